/// The outcome of a completed leadership transfer.
public struct LeadershipTransfer: Sendable, Hashable {
    /// The node that leads now.
    public var leaderID: UInt64
    /// The term it leads in.
    public var term: UInt64

    /// Creates a transfer result.
    public init(leaderID: UInt64, term: UInt64) {
        self.leaderID = leaderID
        self.term = term
    }
}
