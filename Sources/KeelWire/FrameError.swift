/// Why a frame cannot be read or written.
public enum FrameError: Error, Sendable, Hashable {
    /// A frame's length prefix (or an outgoing payload) exceeds the configured maximum.
    /// Raised from the 4 length bytes alone: nothing of that size is allocated or awaited.
    case frameTooLarge(length: UInt32, limit: UInt32)
    /// The connection closed in the middle of a frame or of the preface; carries how many
    /// bytes of it had arrived.
    case truncated(receivedBytes: Int)
}
