/// What a sorted-set write changed, summed over every set it touched.
public struct SortedSetChanges: Sendable, Hashable {
    /// Members that were not in their set before.
    public var added: UInt64
    /// Members whose score changed.
    public var updated: UInt64
    /// Members removed, by a removal, a delete, or trimming to a maximum length.
    public var removed: UInt64
    /// The log index of the entry that carried the write.
    public var appliedIndex: UInt64

    /// Creates a summary of changes.
    public init(added: UInt64 = 0, updated: UInt64 = 0, removed: UInt64 = 0, appliedIndex: UInt64) {
        self.added = added
        self.updated = updated
        self.removed = removed
        self.appliedIndex = appliedIndex
    }
}
