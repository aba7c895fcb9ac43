/// One single-server membership change (thesis 4.1 and 4.2.1).
public struct ConfigurationChange: Sendable, Hashable {
    /// What happens to the node.
    public enum Kind: UInt8, Sendable, Hashable {
        /// Add a learner: it receives the log but does not vote.
        case addLearner = 1
        /// Turn a caught-up learner into a voter.
        case promoteLearner = 2
        /// Remove a voter or a learner.
        case remove = 3
    }

    /// What happens to `node`.
    public var kind: Kind
    /// The node concerned.
    public var node: UInt64
    /// Opaque data for the driver (for example the new node's address).
    public var context: [UInt8]

    /// Creates a change.
    public init(_ kind: Kind, node: UInt64, context: [UInt8] = []) {
        self.kind = kind
        self.node = node
        self.context = context
    }
}
