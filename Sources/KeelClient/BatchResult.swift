/// What an applied atomic batch reports.
public struct BatchResult: Sendable, Hashable {
    /// The new values of the batch's increments, in the order they appear in the batch.
    public var incrementValues: [Int64]
    /// The log index of the entry that carried the batch.
    public var appliedIndex: UInt64

    /// Creates a batch result.
    public init(incrementValues: [Int64], appliedIndex: UInt64) {
        self.incrementValues = incrementValues
        self.appliedIndex = appliedIndex
    }
}
