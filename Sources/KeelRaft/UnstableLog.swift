/// Entries (and possibly a snapshot) the core holds that the driver has not yet confirmed
/// durable, like etcd's "unstable". `entries[0]` has index `offset`.
struct UnstableLog: Sendable {
    var snapshot: SnapshotMetadata?
    var entries: [Entry] = []
    var offset: UInt64

    init(offset: UInt64) { self.offset = offset }

    var lastIndex: UInt64 { offset + UInt64(entries.count) - 1 }

    /// Entries at or above `offset` live here; below it they are in storage.
    func term(at index: UInt64) -> UInt64? {
        guard index >= offset else { return nil }
        let position = index - offset
        return position < UInt64(entries.count) ? entries[Int(position)].term : nil
    }

    /// The driver persisted everything up to `index`, whose entry had `term`. A mismatch
    /// means the entries were replaced meanwhile, and the new ones still need persisting.
    mutating func stable(to index: UInt64, term: UInt64) {
        guard self.term(at: index) == term else { return }
        entries.removeFirst(Int(index - offset + 1))
        offset = index + 1
    }

    mutating func stableSnapshot(at index: UInt64) {
        if snapshot?.index == index { snapshot = nil }
    }

    mutating func restore(_ metadata: SnapshotMetadata) {
        snapshot = metadata
        entries.removeAll()
        offset = metadata.index + 1
    }

    /// Appends `newEntries`, whose first index is at most `lastIndex + 1`, dropping any held
    /// entries they replace. Entries below `offset` are re-held here so that the driver
    /// overwrites what it stored.
    mutating func truncateAndAppend(_ newEntries: some Collection<Entry>) {
        guard let first = newEntries.first?.index else { return }
        if first == offset + UInt64(entries.count) {
            entries.append(contentsOf: newEntries)
        } else if first <= offset {
            offset = first
            entries = Array(newEntries)
        } else {
            entries.removeSubrange(Int(first - offset)...)
            entries.append(contentsOf: newEntries)
        }
    }
}
