/// A committed Raft entry handed to ``KeelStore/apply(_:sync:)``.
public struct CommittedEntry: Sendable, Hashable {
    /// The entry's log index.
    public var index: UInt64
    /// The entry's data: an encoded ``CommandEnvelope``, or empty for a no-op (the leader's
    /// no-op, or a configuration change the server handles itself).
    public var data: [UInt8]

    /// Creates an entry.
    public init(index: UInt64, data: [UInt8]) {
        self.index = index
        self.data = data
    }
}
