/// What one apply group has done to one sorted set so far, on top of the set as RocksDB holds
/// it at the start of the group.
///
/// A later command in the same group reads through this: the member's score from `members`
/// when the group touched it, from RocksDB otherwise; the set's count from `count`. The merged
/// view of the member entries is: RocksDB's entries whose member the group has not touched
/// (none at all once the group deleted the set), plus the touched members that are present.
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
        storedHead = stored.head
    }

    /// Whether the set's count record must be written back.
    var isDirty: Bool { cleared || count != storedCount || lowestScore != storedLowestScore }

    /// The set as the group leaves it: the count record ``ApplyGroup/finish()`` writes and up
    /// to `headLength` of its lowest entries, as far as the group knows them exactly.
    func summary(headLength: Int) -> SetSummary {
        guard count > 0 else { return .empty }
        var head: [ScoredEntry] = []
        if cleared {
            head = Array(presentMembersInOrder().prefix(headLength))
        } else if storedHead.count == storedCount || !storedHead.isEmpty {
            // The stored head is exact up to its last entry (or is the whole stored set), so
            // the new set is known exactly up to there: the surviving stored entries plus the
            // group's members that sort before that point.
            let boundary = storedHead.count == storedCount ? nil : storedHead.last
            head = storedHead.filter { !hidesStoredEntry(of: $0.member) }
            for entry in presentMembersInOrder() {
                if let boundary, boundary < entry { break }
                head.append(entry)
            }
            head.sort()
            if head.count > headLength {
                head.removeLast(head.count - headLength)
            }
        }
        return SetSummary(count: count, lowestScore: lowestScore, head: head)
    }

    /// The member's score if the group knows it without reading RocksDB: `.some(score)`
    /// (present or, with `nil`, absent), or `nil` if RocksDB has to be asked.
    func knownScore(of member: [UInt8]) -> UInt64?? {
        if let touched = members.lookup(member) {
            return .some(touched)
        }
        // With no members left, or after a delete, an untouched member cannot be in the set.
        if cleared || count == 0 {
            return .some(nil)
        }
        return nil
    }

    /// Whether a RocksDB entry of `member` is hidden by what the group did.
    func hidesStoredEntry(of member: [UInt8]) -> Bool {
        if cleared { return true }
        return !members.isEmpty && members.contains(member)
    }

    func setScore(_ score: UInt64, of member: [UInt8], wasPresent: Bool) {
        members.set(score, for: member)
        lowestScore = count == 0 ? score : min(lowestScore, score)
        if !wasPresent { count += 1 }
        sortedPresentMembers = nil
    }

    func markRemoved(_ member: [UInt8]) {
        members.set(nil, for: member)
        count -= 1
        sortedPresentMembers = nil
    }

    func clear() {
        cleared = true
        members.removeAll()
        count = 0
        lowestScore = 0
        sortedPresentMembers = nil
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
