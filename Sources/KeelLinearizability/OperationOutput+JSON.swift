extension OperationOutput {
    /// Decodes the `value` of an `ok` completion for `function`; shapes are in docs/testing.md.
    init(function: Function, value: HistoryValue) throws(ValueShapeError) {
        switch function {
        case .read:
            if case .array = value {
                self = .members(try Self.members(value))
            } else {
                self = .value(try RegisterValue(optional: value))
            }
        case .write:
            self = .unreported
        case .cas, .zadd, .zrem, .eadd, .erem:
            switch value {
            case .null: self = .unreported
            case .bool(let flag): self = .flag(flag)
            default: throw ValueShapeError("a \(function.rawValue) completes with null, true or false")
            }
        case .incr:
            switch value {
            case .null: self = .unreported
            case .integer(let integer): self = .value(.integer(integer))
            default: throw ValueShapeError("an incr completes with the new value or null")
            }
        case .zrange:
            self = .members(value == .null ? [] : try Self.members(value))
        }
    }

    var historyValue: HistoryValue {
        switch self {
        case .unreported: .null
        case .value(let value): value?.historyValue ?? .null
        case .flag(let flag): .bool(flag)
        case .members(let members): .array(members.map { .array([.string($0.member), .number($0.score)]) })
        }
    }

    private static func members(_ value: HistoryValue) throws(ValueShapeError) -> [ScoredMember] {
        guard case .array(let elements) = value else { throw ValueShapeError("expected [[member, score], ...]") }
        var members: [ScoredMember] = []
        for element in elements {
            guard case .array(let pair) = element, pair.count == 2, case .string(let member) = pair[0] else {
                throw ValueShapeError("expected [[member, score], ...]")
            }
            members.append(ScoredMember(member: member, score: try OperationInput.score(pair[1])))
        }
        return members
    }
}
