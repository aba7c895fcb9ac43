/// A 64-bit signed counter: `incr` adds a delta and returns the new value, `read` returns it.
/// An absent counter reads as `null` and counts from 0; an increment that would overflow
/// cannot succeed.
public struct CounterModel: Model {
    public init() {}

    public var initialState: Int64? { nil }

    public func step(_ state: Int64?, _ operation: HistoryOperation) -> (ok: Bool, newState: Int64?) {
        let known = operation.outcome == .ok
        switch operation.input {
        case .read:
            guard known else { return (true, state) }
            switch operation.output {
            case .value(nil)?: return (state == nil, state)
            case .value(.integer(let seen))?: return (state == seen, state)
            default: return (false, state)
            }
        case .incr(let delta):
            let (sum, overflow) = (state ?? 0).addingReportingOverflow(delta)
            if overflow { return (false, state) }
            switch known ? operation.output : nil {
            case .value(.integer(let seen))?: return (seen == sum, sum)
            case .unreported?, nil: return (true, sum)
            default: return (false, state)
            }
        case .write, .cas, .zadd, .zrem, .zrange, .eadd, .erem:
            return (false, state)
        }
    }

    public func describe(_ state: Int64?) -> String {
        state.map(String.init) ?? "absent"
    }
}
