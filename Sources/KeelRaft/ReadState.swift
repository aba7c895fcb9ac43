/// A linearizable read that became safe to serve.
///
/// The driver may answer the read identified by `context` once its state machine has
/// *applied* up to `index` (thesis 6.4: committing is not enough).
public struct ReadState: Sendable, Hashable {
    /// The commit index the read must wait for.
    public var index: UInt64
    /// The context the driver passed to `readIndex(context:)`.
    public var context: UInt64

    /// Creates a read state.
    public init(index: UInt64, context: UInt64) {
        self.index = index
        self.context = context
    }
}
