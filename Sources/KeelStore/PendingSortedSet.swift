/// What one apply group has done to one sorted set so far, on top of the set as RocksDB holds
/// it at the start of the group.
///
/// A later command in the same group reads through this: the member's score from `members`
/// when the group touched it, from RocksDB otherwise; the set's count from `count`. The merged
/// view of the member entries is: RocksDB's entries whose member the group has not touched
/// (none at all once the group deleted the set), plus the touched members that are present.
///
/// In an entry-keyed set (``SetKind/entryKeyed``) what is touched is an entry, a (score,
/// member) pair: `members` names it by its member and its score as the key score
/// (``keyScore(of:)``).
final class PendingSortedSet {
    let key: [UInt8]
    /// The count as stored before the group.
    let storedCount: UInt64
    /// The count after everything the group did.
    var count: UInt64
    /// The lower bound of the stored entries' scores, as stored before the group: scans of
    /// the stored entries start there, not at the set's first key.
    let storedLowestScore: UInt64
    /// The lower bound after everything the group did (meaningless while `count` is 0).
    var lowestScore: UInt64
    /// The kind as stored before the group (meaningless while `storedCount` is 0).
    let storedKind: SetKind
    /// The kind after everything the group did (meaningless while `count` is 0).
    private(set) var kind: SetKind
    /// The set's top after everything the group did, if known (entry-keyed sets only;
    /// ``KnownTop/unknown`` for member-keyed ones).
    private(set) var top: KnownTop
    /// The group deleted the whole set: RocksDB's entries no longer count.
    private(set) var cleared = false
    /// Touched members: their encoded score, or `nil` once removed.
    private var members = TouchedMembers()
    private var sortedPresentMembers: [ScoredEntry]?

    /// The lowest stored entries, as RocksDB held them before the group, in order and without
    /// gaps (see ``SetSummary/head``): from the cache, extended by reads during the group.
    var storedHead: [ScoredEntry]

    init(key: [UInt8], stored: SetSummary) {
        self.key = key
        storedCount = stored.count
        count = stored.count
        storedLowestScore = stored.lowestScore
        lowestScore = stored.lowestScore
        storedKind = stored.kind
        kind = stored.kind
        storedHead = stored.head
        top = stored.count == 0 ? .known(nil) : stored.kind == .entryKeyed ? stored.top : .unknown
    }

    /// Whether the set's count record must be written back.
    var isDirty: Bool { cleared || count != storedCount || lowestScore != storedLowestScore || kind != storedKind }

    /// Whether a command for sets of `kind` may run on this one: it has that kind, or is empty.
    func accepts(_ kind: SetKind) -> Bool {
        count == 0 || self.kind == kind
    }

    /// Gives the set `kind` for a command that may add to it; it must accept it. An empty set
    /// that changes kind keeps nothing of the other kind: every stored entry is already removed
    /// in this group, so the group now counts as having cleared the set, and the touched
    /// members, keyed the other kind's way, are dropped.
    func adopt(_ kind: SetKind) {
        precondition(accepts(kind), "PendingSortedSet.adopt of another kind while non-empty")
        guard self.kind != kind else { return }
        self.kind = kind
        cleared = true
        members.removeAll()
        sortedPresentMembers = nil
        top = .known(nil)
    }

    /// The key score `members` names `entry` by with its member: 0 in a member-keyed set
    /// (a member is its bytes), the entry's score in an entry-keyed one.
    private func keyScore(of entry: ScoredEntry) -> UInt64 {
        kind == .entryKeyed ? entry.score : 0
    }

    /// The set as the group leaves it: the count record ``ApplyGroup/finish()`` writes and up
    /// to `headLength` of its lowest entries, as far as the group knows them exactly.
    func summary(headLength: Int) -> SetSummary {
        guard count > 0 else { return .empty }
        var head: [ScoredEntry] = []
        if cleared {
            head = Array(presentMembersInOrder().prefix(headLength))
        } else if kind == .entryKeyed, storedHead.count < storedCount, let boundary = storedHead.last,
            members.allSatisfy({ keyScore, member, _ in boundary < ScoredEntry(score: keyScore, member: member) }) {
            // Only entries above the cached head were touched (a timeline's new activities):
            // the head is the stored one, and nothing needs sorting.
            head = Array(storedHead.prefix(headLength))
        } else if storedHead.count == storedCount || !storedHead.isEmpty {
            // The stored head is exact up to its last entry (or is the whole stored set), so
            // the new set is known exactly up to there: the surviving stored entries plus the
            // group's members that sort before that point.
            let boundary = storedHead.count == storedCount ? nil : storedHead.last
            head = storedHead.filter { !hidesStoredEntry($0) }
            for entry in presentMembersInOrder() {
                if let boundary, boundary < entry { break }
                head.append(entry)
            }
            head.sort()
            if head.count > headLength {
                head.removeLast(head.count - headLength)
            }
        }
        return SetSummary(count: count, lowestScore: lowestScore, kind: kind, head: head, top: kind == .entryKeyed ? top : .unknown)
    }

    /// The member's score if the group knows it without reading RocksDB: `.some(score)`
    /// (present or, with `nil`, absent), or `nil` if RocksDB has to be asked. For an
    /// entry-keyed set, pass the entry's score as `keyScore`.
    func knownScore(of member: [UInt8], keyScore: UInt64 = 0) -> UInt64?? {
        if let touched = members.lookup(member, keyScore: keyScore) {
            return .some(touched)
        }
        // With no members left, or after a delete, an untouched member cannot be in the set.
        if cleared || count == 0 {
            return .some(nil)
        }
        return nil
    }

    /// Whether the entry is in the set, if the group knows without reading RocksDB: from its
    /// changes, or because the entry is above the set's known top. Entry-keyed sets
    /// only.
    func knownPresence(of entry: ScoredEntry) -> Bool? {
        if let known = knownScore(of: entry.member, keyScore: keyScore(of: entry)) {
            return known != nil
        }
        return top.isAbove(entry) ? false : nil
    }

    /// Records the highest entry read from RocksDB for a set whose summary did not have it.
    func learnTop(_ entry: ScoredEntry?) {
        precondition(kind == .entryKeyed && members.isEmpty && !cleared, "PendingSortedSet.learnTop after changes")
        top = .known(entry)
    }

    /// Whether a RocksDB entry is hidden by what the group did.
    func hidesStoredEntry(_ entry: ScoredEntry) -> Bool {
        if cleared { return true }
        return !members.isEmpty && members.contains(entry.member, keyScore: keyScore(of: entry))
    }

    /// Records that `entry` is now in the set (for a member-keyed set: the member's score is
    /// now `entry.score`), counted as new unless `wasPresent`.
    func setPresent(_ entry: ScoredEntry, wasPresent: Bool) {
        members.set(entry.score, for: entry.member, keyScore: keyScore(of: entry))
        if kind == .entryKeyed {
            if top.isAbove(entry) { top = .known(entry) }
        } else {
            top = .unknown
        }
        lowestScore = count == 0 ? entry.score : min(lowestScore, entry.score)
        if !wasPresent { count += 1 }
        sortedPresentMembers = nil
    }

    func markRemoved(_ entry: ScoredEntry) {
        members.set(nil, for: entry.member, keyScore: keyScore(of: entry))
        count -= 1
        sortedPresentMembers = nil
        // The top stays a top when entries go; an empty set has none.
        if count == 0 {
            top = .known(nil)
        }
    }

    func clear() {
        cleared = true
        members.removeAll()
        count = 0
        lowestScore = 0
        sortedPresentMembers = nil
        top = .known(nil)
    }

    /// The touched members that are present, in (score, member) order.
    func presentMembersInOrder() -> [ScoredEntry] {
        if let sortedPresentMembers { return sortedPresentMembers }
        var present: [ScoredEntry] = []
        members.forEach { member, score in
            if let score { present.append(ScoredEntry(score: score, member: member)) }
        }
        present.sort()
        sortedPresentMembers = present
        return present
    }

    /// The touched members that are present with a score in `minimum ... maximum`.
    func presentMembers(scoredIn minimum: UInt64, _ maximum: UInt64) -> [ScoredEntry] {
        var found: [ScoredEntry] = []
        members.forEach { member, score in
            if let score, score >= minimum, score <= maximum {
                found.append(ScoredEntry(score: score, member: member))
            }
        }
        return found
    }
}
