/// Settings of the state machine. They decide applied results, so every replica of a cluster
/// must use the same values.
public struct StoreConfiguration: Sendable, Hashable {
    /// A session not seen for this long, in log time (proposal timestamps), is dropped when a
    /// later entry is applied.
    public var sessionTimeoutMilliseconds: UInt64
    /// Most sessions kept. Creating one more first evicts the session seen longest ago (ties
    /// broken by the smaller client id), so memory and the `meta` table stay bounded.
    public var maxSessions: Int

    /// Creates a configuration.
    /// - Parameters:
    ///   - sessionTimeoutMilliseconds: session lifetime without activity; default one hour.
    ///   - maxSessions: the session table's bound; default 100,000 (a few MB of memory).
    public init(sessionTimeoutMilliseconds: UInt64 = 3_600_000, maxSessions: Int = 100_000) {
        precondition(maxSessions > 0, "maxSessions must be positive")
        self.sessionTimeoutMilliseconds = sessionTimeoutMilliseconds
        self.maxSessions = maxSessions
    }
}
