/// The log as the core sees it: storage (durable) under the unstable tail, plus the commit
/// and apply positions.
struct RaftLog<Storage: RaftLogStorage> {
    let storage: Storage
    var unstable: UnstableLog
    var committed: UInt64
    var applied: UInt64

    init(storage: Storage, commit: UInt64) {
        self.storage = storage
        let first = storage.firstIndex()
        let last = storage.lastIndex()
        unstable = UnstableLog(offset: last + 1)
        // The hard state's commit may lag behind the snapshot; never exceed the log.
        committed = min(max(commit, first - 1), last)
        applied = first - 1
    }

    var firstIndex: UInt64 {
        if let snapshot = unstable.snapshot { return snapshot.index + 1 }
        return storage.firstIndex()
    }

    var lastIndex: UInt64 { unstable.lastIndex }

    /// The last index the driver confirmed durable.
    var stableLastIndex: UInt64 {
        unstable.snapshot == nil ? unstable.offset - 1 : 0
    }

    var lastTerm: UInt64 { term(at: lastIndex) ?? 0 }

    func term(at index: UInt64) -> UInt64? {
        if index >= unstable.offset { return unstable.term(at: index) }
        if let snapshot = unstable.snapshot { return index == snapshot.index ? snapshot.term : nil }
        return storage.term(at: index)
    }

    func matchTerm(_ index: UInt64, _ term: UInt64) -> Bool {
        self.term(at: index) == term
    }

    func isUpToDate(lastIndex candidateIndex: UInt64, lastTerm candidateTerm: UInt64) -> Bool {
        let ownTerm = lastTerm
        return candidateTerm > ownTerm || (candidateTerm == ownTerm && candidateIndex >= lastIndex)
    }

    /// Entries from `start` up to `end` (exclusive), limited by `maxBytes` (at least one).
    /// `start` must be at least `firstIndex`.
    func entries(from start: UInt64, to end: UInt64, maxBytes: Int) -> [Entry] {
        guard start < end else { return [] }
        var result: [Entry] = []
        var bytes = 0
        if start < unstable.offset {
            result = storage.entries(in: start..<min(end, unstable.offset), maxBytes: maxBytes)
            for entry in result { bytes += entry.byteCount }
            if bytes >= maxBytes || result.last!.index + 1 < min(end, unstable.offset) { return result }
        }
        var index = max(start, unstable.offset)
        while index < end {
            let entry = unstable.entries[Int(index - unstable.offset)]
            bytes += entry.byteCount
            if bytes > maxBytes && !result.isEmpty { break }
            result.append(entry)
            index += 1
        }
        return result
    }

    /// The entry index after which `entries` differ from this log (the first entry whose
    /// term does not match, or that is new), or nil when all of them are already here.
    func firstConflict(in entries: [Entry]) -> Int? {
        for (position, entry) in entries.enumerated() where !matchTerm(entry.index, entry.term) {
            return position
        }
        return nil
    }

    /// The first index of the run of entries with `term` that ends at `index`, not going
    /// below `floor` (entries up to the commit index all match the leader anyway).
    func firstIndex(ofTerm term: UInt64, endingAt index: UInt64, floor: UInt64) -> UInt64 {
        var candidate = index
        while candidate > floor, self.term(at: candidate - 1) == term { candidate -= 1 }
        return candidate
    }

    /// The last index at or below `index` whose term is at most `term`, found by binary
    /// search (terms never decrease along the log); nil when compacted away.
    func lastIndex(withTermAtMost term: UInt64, atOrBelow index: UInt64) -> (index: UInt64, term: UInt64)? {
        var low = firstIndex - 1
        guard let lowTerm = self.term(at: low), lowTerm <= term else { return nil }
        var high = min(index, lastIndex)
        while low < high {
            let middle = low + (high - low + 1) / 2
            if let middleTerm = self.term(at: middle), middleTerm <= term { low = middle } else { high = middle - 1 }
        }
        return (low, self.term(at: low) ?? 0)
    }

    mutating func commit(to index: UInt64) {
        if index > committed {
            precondition(index <= lastIndex, "commit index \(index) beyond last index \(lastIndex)")
            committed = index
        }
    }

    mutating func restore(_ metadata: SnapshotMetadata) {
        unstable.restore(metadata)
        committed = metadata.index
    }
}
extension RaftLog: Sendable where Storage: Sendable {}
