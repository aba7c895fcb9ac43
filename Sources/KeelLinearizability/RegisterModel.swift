/// A register with compare-and-set: `read`, `write` and `cas`. Absent is `nil`.
public struct RegisterModel: Model {
    public init() {}

    public var initialState: RegisterValue? { nil }

    public func step(_ state: RegisterValue?, _ operation: HistoryOperation) -> (ok: Bool, newState: RegisterValue?) {
        let known = operation.outcome == .ok
        switch operation.input {
        case .read:
            guard known else { return (true, state) }
            guard case .value(let seen) = operation.output else { return (false, state) }
            return (seen == state, state)
        case .write(let value):
            return (true, value)
        case .cas(let expected, let new):
            let matches = state == expected
            switch known ? operation.output : nil {
            case .flag(let swapped)?:
                return (swapped == matches, matches ? new : state)
            case .unreported?, nil:
                // Not reported, or unknown outcome: it swapped exactly when the value matched.
                return (true, matches ? new : state)
            default:
                return (false, state)
            }
        case .incr, .zadd, .zrem, .zrange, .eadd, .erem:
            return (false, state)
        }
    }

    public func describe(_ state: RegisterValue?) -> String {
        state.map(String.init(describing:)) ?? "absent"
    }
}
