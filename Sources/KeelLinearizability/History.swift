/// A recorded run: every operation of every client, with call and completion times.
public struct History: Hashable, Sendable {
    /// Operations in the order they were invoked.
    public var operations: [HistoryOperation]

    public init(operations: [HistoryOperation] = []) {
        self.operations = operations
    }

    /// Every key the history touches, sorted.
    public var keys: [String] {
        Set(operations.map(\.key)).sorted()
    }

    /// The operations on each key, in invocation order.
    public var operationsByKey: [String: [HistoryOperation]] {
        Dictionary(grouping: operations, by: \.key)
    }
}
