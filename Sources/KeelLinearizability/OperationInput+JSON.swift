extension OperationInput {
    /// Decodes an invocation's `value` for `function`; the shapes are listed in docs/testing.md.
    init(function: Function, value: HistoryValue) throws(ValueShapeError) {
        switch function {
        case .read:
            guard value == .null else { throw ValueShapeError("a read is invoked with null") }
            self = .read
        case .write:
            self = .write(try RegisterValue(required: value))
        case .cas:
            guard case .array(let pair) = value, pair.count == 2 else {
                throw ValueShapeError("expected [expected, new]")
            }
            self = .cas(expected: try RegisterValue(optional: pair[0]), new: try RegisterValue(required: pair[1]))
        case .incr:
            guard case .integer(let delta) = value else { throw ValueShapeError("expected an integer delta") }
            self = .incr(delta: delta)
        case .zadd:
            let (member, score) = try Self.memberAndScore(value)
            self = .zadd(member: member, score: score)
        case .eadd:
            let (member, score) = try Self.memberAndScore(value)
            self = .eadd(member: member, score: score)
        case .erem:
            let (member, score) = try Self.memberAndScore(value)
            self = .erem(member: member, score: score)
        case .zrem:
            guard case .string(let member) = value else { throw ValueShapeError("expected a member string") }
            self = .zrem(member: member)
        case .zrange:
            self = .zrange(try Self.rangeRequest(value))
        }
    }

    var historyValue: HistoryValue {
        switch self {
        case .read: .null
        case .write(let value): value.historyValue
        case .cas(let expected, let new): .array([expected?.historyValue ?? .null, new.historyValue])
        case .incr(let delta): .integer(delta)
        case .zadd(let member, let score), .eadd(let member, let score), .erem(let member, let score):
            .array([.string(member), .number(score)])
        case .zrem(let member): .string(member)
        case .zrange(.all): .null
        case .zrange(.page(let offset, let limit, let descending)):
            descending
                ? .array([.integer(Int64(offset)), .integer(Int64(limit)), .string("desc")])
                : .array([.integer(Int64(offset)), .integer(Int64(limit))])
        }
    }

    private static func memberAndScore(_ value: HistoryValue) throws(ValueShapeError) -> (String, Double) {
        guard case .array(let pair) = value, pair.count == 2, case .string(let member) = pair[0] else {
            throw ValueShapeError("expected [member, score]")
        }
        return (member, try score(pair[1]))
    }

    static func score(_ value: HistoryValue) throws(ValueShapeError) -> Double {
        guard let score = value.numericValue, !score.isNaN else { throw ValueShapeError("a score is a number") }
        return score
    }

    private static func rangeRequest(_ value: HistoryValue) throws(ValueShapeError) -> RangeRequest {
        if value == .null { return .all }
        guard case .array(let parts) = value, parts.count == 2 || parts.count == 3,
            case .integer(let offset) = parts[0], case .integer(let limit) = parts[1],
            offset >= 0, limit >= 0, offset <= Int64(Int32.max), limit <= Int64(Int32.max)
        else {
            throw ValueShapeError("expected null or [offset, limit] or [offset, limit, \"asc\"|\"desc\"]")
        }
        var descending = false
        if parts.count == 3 {
            switch parts[2] {
            case .string("asc"): descending = false
            case .string("desc"): descending = true
            default: throw ValueShapeError("the direction is \"asc\" or \"desc\"")
            }
        }
        return .page(offset: Int(offset), limit: Int(limit), descending: descending)
    }
}

extension RegisterValue {
    init(required value: HistoryValue) throws(ValueShapeError) {
        switch value {
        case .integer(let integer): self = .integer(integer)
        case .string(let string): self = .string(string)
        default: throw ValueShapeError("a register value is an integer or a string")
        }
    }

    init?(optional value: HistoryValue) throws(ValueShapeError) {
        guard value != .null else { return nil }
        try self.init(required: value)
    }
}
