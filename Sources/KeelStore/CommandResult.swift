/// What applying one entry produced, returned to the client that proposed it.
public enum CommandResult: Sendable, Hashable {
    /// A put, delete or batch was applied, or the entry was a no-op.
    case done
    /// Whether a compare-and-set replaced the value; when it did not, the value found
    /// (`nil` if absent).
    case compareAndSet(swapped: Bool, current: [UInt8]?)
    /// The counter's value after an increment.
    case counter(Int64)
    /// The counters' values after a batch's increments, in the batch's order (a batch without
    /// increments answers ``done``).
    case batchCounters([Int64])
    /// Sorted-set changes: members added, members whose score changed, members removed
    /// (by a removal or by trimming), summed over every set the command touched.
    case sortedSet(added: UInt64, updated: UInt64, removed: UInt64)
    /// The command failed and changed nothing.
    case failed(StoreError)
}
