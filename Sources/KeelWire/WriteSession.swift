/// Identifies a write for exactly-once execution.
///
/// A client picks a `clientID` once and numbers its writes with an increasing `sequence`;
/// a retry of a write reuses its sequence number, and the server answers it with the first
/// result instead of applying it again.
public struct WriteSession: Sendable, Hashable {
    /// The client's id, unique in the cluster.
    public var clientID: UInt64
    /// The write's number within the client's session.
    public var sequence: UInt64

    /// Creates a session stamp.
    /// - Parameters:
    ///   - clientID: The client's id.
    ///   - sequence: The write's number within the session.
    public init(clientID: UInt64, sequence: UInt64) {
        self.clientID = clientID
        self.sequence = sequence
    }
}
