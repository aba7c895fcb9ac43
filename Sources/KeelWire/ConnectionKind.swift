/// What the connecting side is, announced in the connection ``Preface``.
///
/// A node listens on separate ports for clients and peers; the kind lets it refuse a
/// connection that came to the wrong port before reading any message.
public enum ConnectionKind: UInt8, Sendable, Hashable, CaseIterable {
    /// An application using the key-value API.
    case client = 1
    /// Another node of the same cluster (Raft traffic).
    case peer = 2
    /// An operator tool (status, membership changes).
    case admin = 3
}
