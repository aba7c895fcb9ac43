/// A sorted set: `zadd` inserts or moves a member, `zrem` removes it, `zrange` and `read`
/// return members in order (see `RangeRequest`). An absent set is the empty set.
public struct SortedSetModel: Model {
    public init() {}

    /// The members, kept sorted ascending so that ranges are slices and equal sets hash equally.
    public var initialState: [ScoredMember] { [] }

    public func step(_ state: [ScoredMember], _ operation: HistoryOperation) -> (ok: Bool, newState: [ScoredMember]) {
        let known = operation.outcome == .ok
        switch operation.input {
        case .zadd(let member, let score):
            var next = state
            let existing = next.firstIndex { $0.member == member }
            if let existing { next.remove(at: existing) }
            let entry = ScoredMember(member: member, score: score)
            next.insert(entry, at: next.firstIndex { entry < $0 } ?? next.endIndex)
            return (Self.flagAgrees(known ? operation.output : nil, with: existing == nil), next)
        case .zrem(let member):
            var next = state
            let existing = next.firstIndex { $0.member == member }
            if let existing { next.remove(at: existing) }
            return (Self.flagAgrees(known ? operation.output : nil, with: existing != nil), next)
        case .zrange(let request):
            return (!known || Self.seen(operation.output, equals: request.select(from: state)), state)
        case .read:
            return (!known || Self.seen(operation.output, equals: state[...]), state)
        case .write, .cas, .incr, .eadd, .erem:
            return (false, state)
        }
    }

    public func describe(_ state: [ScoredMember]) -> String {
        OperationOutput.members(state).description
    }

    static func flagAgrees(_ output: OperationOutput?, with fact: Bool) -> Bool {
        switch output {
        case .flag(let flag)?: flag == fact
        case .unreported?, nil: true
        default: false
        }
    }

    static func seen(_ output: OperationOutput?, equals expected: ArraySlice<ScoredMember>) -> Bool {
        switch output {
        case .members(let members)?: members.elementsEqual(expected)
        case .value(nil)?: expected.isEmpty
        default: false
        }
    }
}
