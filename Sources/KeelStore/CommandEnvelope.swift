/// A ``Command`` with what every Raft entry carries besides it: the client session it belongs
/// to and the leader's proposal time.
///
/// ``encoded()`` gives the bytes the server stores as the Raft entry's data;
/// ``init(decoding:)`` reads them back.
public struct CommandEnvelope: Sendable, Hashable {
    /// The client's session id; 0 means "no session" (no deduplication).
    public var clientID: UInt64
    /// The client's sequence number for this command, starting at 1; ignored when
    /// ``clientID`` is 0.
    public var sequence: UInt64
    /// The leader's wall clock in milliseconds when it proposed the entry. Only used to expire
    /// sessions, so every replica decides expiry from the log alone.
    public var timestampMilliseconds: UInt64
    /// The write itself.
    public var command: Command

    /// Creates an envelope.
    public init(clientID: UInt64 = 0, sequence: UInt64 = 0, timestampMilliseconds: UInt64, command: Command) {
        self.clientID = clientID
        self.sequence = sequence
        self.timestampMilliseconds = timestampMilliseconds
        self.command = command
    }

    /// The version byte that starts every encoded envelope.
    public static let encodingVersion: UInt8 = 1
}
