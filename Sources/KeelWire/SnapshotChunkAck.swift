import CKeelProto

/// A follower's answer to a ``SnapshotChunk``.
public struct SnapshotChunkAck: Sendable, Hashable {
    /// The snapshot the chunk belonged to.
    public var snapshotIndex: UInt64
    /// Its term.
    public var snapshotTerm: UInt64
    /// The file of the chunk.
    public var file: String
    /// How many bytes of `file` the follower now holds.
    public var receivedBytes: UInt64
    /// False when the chunk was refused (bad checksum, unexpected offset, disk error); the
    /// sender then gives up this transfer.
    public var isAccepted: Bool
    /// Why a chunk was refused, for logs.
    public var message: String
    /// Whether this acknowledges the last chunk (the snapshot was handed to Raft).
    public var isLast: Bool

    /// Creates an acknowledgement.
    public init(
        snapshotIndex: UInt64, snapshotTerm: UInt64, file: String, receivedBytes: UInt64,
        isAccepted: Bool, message: String = "", isLast: Bool = false
    ) {
        self.snapshotIndex = snapshotIndex
        self.snapshotTerm = snapshotTerm
        self.file = file
        self.receivedBytes = receivedBytes
        self.isAccepted = isAccepted
        self.message = message
        self.isLast = isLast
    }
}
