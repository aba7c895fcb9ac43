/// Which model a key is checked against.
public enum ModelKind: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case register
    case counter
    case sortedSet = "sorted-set"
    case entrySet = "entry-set"

    /// The model the operations on one key call for: an entry-keyed set if any operation is an
    /// `eadd` or `erem`, a sorted set if any is another set operation or a read returned
    /// members, a counter if any is an `incr`, otherwise a register.
    ///
    /// - Returns: `nil` when the operations belong to more than one model.
    public static func infer(from operations: [HistoryOperation]) -> ModelKind? {
        var kinds = Set<ModelKind>()
        // Reads of members fit both kinds of set: they count as a sorted set's only when no
        // entry-set write decides the kind.
        var readsMembers = false
        for operation in operations where operation.outcome != .fail {
            switch operation.input {
            case .write, .cas: kinds.insert(.register)
            case .incr: kinds.insert(.counter)
            case .zadd, .zrem: kinds.insert(.sortedSet)
            case .eadd, .erem: kinds.insert(.entrySet)
            case .zrange: readsMembers = true
            case .read:
                if case .members? = operation.output { readsMembers = true }
            }
        }
        if readsMembers && !kinds.contains(.entrySet) { kinds.insert(.sortedSet) }
        guard kinds.count <= 1 else { return nil }
        return kinds.first ?? .register
    }

    public var description: String { rawValue }
}
