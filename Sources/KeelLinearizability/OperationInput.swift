/// What an operation asked for: its function and the arguments given at invocation.
public enum OperationInput: Hashable, Sendable, CustomStringConvertible {
    case read
    case write(RegisterValue)
    /// `expected == nil` succeeds only when the register is absent.
    case cas(expected: RegisterValue?, new: RegisterValue)
    case incr(delta: Int64)
    case zadd(member: String, score: Double)
    case zrem(member: String)
    case zrange(RangeRequest)
    case eadd(member: String, score: Double)
    case erem(member: String, score: Double)

    public var function: Function {
        switch self {
        case .read: .read
        case .write: .write
        case .cas: .cas
        case .incr: .incr
        case .zadd: .zadd
        case .zrem: .zrem
        case .zrange: .zrange
        case .eadd: .eadd
        case .erem: .erem
        }
    }

    public var description: String {
        switch self {
        case .read: "read"
        case .write(let value): "write \(value)"
        case .cas(let expected, let new): "cas \(expected.map(String.init(describing:)) ?? "null") -> \(new)"
        case .incr(let delta): "incr \(delta)"
        case .zadd(let member, let score): "zadd \(ScoredMember(member: member, score: score))"
        case .zrem(let member): "zrem \(HistoryValue.string(member).jsonText)"
        case .zrange(let request): "zrange \(request)"
        case .eadd(let member, let score): "eadd \(ScoredMember(member: member, score: score))"
        case .erem(let member, let score): "erem \(ScoredMember(member: member, score: score))"
        }
    }
}
