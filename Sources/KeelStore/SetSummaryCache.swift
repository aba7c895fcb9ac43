/// What the store knows of a sorted set as the last applied group left it: its count record
/// (the count and the lower bound of the members' encoded scores, both 0 for an empty set,
/// which has no record) and possibly its lowest entries.
struct SetSummary: Equatable {
    var count: UInt64
    var lowestScore: UInt64
    /// The set's kind (``SetKind/memberKeyed`` for an empty set, which has none).
    var kind: SetKind
    /// The set's lowest entries in order, exactly: every entry of the set up to the last one
    /// here is here. Empty when not known (or the set is empty); trims take their victims from
    /// here instead of seeking in RocksDB.
    var head: [ScoredEntry]
    /// For an entry-keyed set, an entry no entry of the set is above, if known: an add of an
    /// entry above it needs no read to know the entry is new (a feed's new activity is above
    /// every other).
    var top: KnownTop = .unknown

    static let empty = SetSummary(count: 0, lowestScore: 0, kind: .memberKeyed, head: [], top: .known(nil))
}

/// The top of an entry-keyed set: an entry that no entry of the set is above. It is the highest
/// entry when learnt, and stays a valid top when entries are removed below or at it (so
/// removals never make it unknown).
enum KnownTop: Equatable {
    case unknown
    /// The top, or `nil`: the set is empty.
    case known(ScoredEntry?)

    /// Whether `entry` is certainly not in the set: it is above the top.
    func isAbove(_ entry: ScoredEntry) -> Bool {
        guard case .known(let top) = self else { return false }
        return top.map { $0 < entry } ?? true
    }
}

/// The count records and lowest entries of recently applied sets, kept in memory so that
/// applying a command does not read them back from RocksDB.
///
/// It holds exactly what `data` holds: an apply group publishes its sets' summaries only after
/// its write succeeded, and the store empties the cache whenever it reloads (snapshot install,
/// failed write). The bound is kept with two generations: when the young one is full it
/// becomes the old one and the previous old one is dropped; a hit in the old generation moves
/// the set back to the young one. Sets in use therefore stay, at the cost of one dictionary
/// rebuild per `capacity / 2` new sets.
final class SetSummaryCache {
    /// Most sets held (both generations together).
    let capacity: Int
    private var young: [ByteString: SetSummary] = [:]
    private var old: [ByteString: SetSummary] = [:]

    /// - Parameter capacity: most sets held; 0 disables the cache.
    init(capacity: Int) {
        precondition(capacity >= 0, "SetSummaryCache capacity must not be negative")
        self.capacity = capacity
    }

    /// The number of sets held.
    var count: Int { young.count + old.count }

    /// The summary of `set`, if cached.
    func summary(of set: [UInt8]) -> SetSummary? {
        let set = ByteString(set)
        if let summary = young[set] {
            return summary
        }
        guard let summary = old.removeValue(forKey: set) else { return nil }
        insert(summary, for: set)
        return summary
    }

    /// Records the summary `set` has now in RocksDB.
    func store(_ summary: SetSummary, for set: [UInt8]) {
        let set = ByteString(set)
        if let index = young.index(forKey: set) {
            young.values[index] = summary
            return
        }
        old[set] = nil
        insert(summary, for: set)
    }

    private func insert(_ summary: SetSummary, for set: ByteString) {
        guard capacity > 0 else { return }
        if young.count >= max(1, capacity / 2) {
            old = young
            young = [:]
            young.reserveCapacity(max(1, capacity / 2))
        }
        young[set] = summary
    }

    /// Forgets every set.
    func removeAll() {
        young = [:]
        old = [:]
    }
}
