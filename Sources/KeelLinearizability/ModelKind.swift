/// Which model a key is checked against.
public enum ModelKind: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case register
    case counter
    case sortedSet = "sorted-set"

    /// The model the operations on one key call for: a sorted set if any operation is a set
    /// operation or a read returned members, a counter if any is an `incr`, otherwise a register.
    ///
    /// - Returns: `nil` when the operations belong to more than one model.
    public static func infer(from operations: [HistoryOperation]) -> ModelKind? {
        var kinds = Set<ModelKind>()
        for operation in operations where operation.outcome != .fail {
            switch operation.input {
            case .write, .cas: kinds.insert(.register)
            case .incr: kinds.insert(.counter)
            case .zadd, .zrem, .zrange: kinds.insert(.sortedSet)
            case .read:
                if case .members? = operation.output { kinds.insert(.sortedSet) }
            }
        }
        guard kinds.count <= 1 else { return nil }
        return kinds.first ?? .register
    }

    public var description: String { rawValue }
}
