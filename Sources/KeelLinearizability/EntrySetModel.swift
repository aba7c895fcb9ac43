/// An entry-keyed sorted set: an entry is a (member, score) pair. `eadd` inserts an entry that is
/// not there, `erem` removes one; the same member may be there with several scores. `zrange` and
/// `read` return the entries in order, as for ``SortedSetModel``. An absent set is empty.
public struct EntrySetModel: Model {
    public init() {}

    /// The entries, kept sorted ascending.
    public var initialState: [ScoredMember] { [] }

    public func step(_ state: [ScoredMember], _ operation: HistoryOperation) -> (ok: Bool, newState: [ScoredMember]) {
        let known = operation.outcome == .ok
        let output = known ? operation.output : nil
        switch operation.input {
        case .eadd(let member, let score):
            let entry = ScoredMember(member: member, score: score)
            guard !state.contains(entry) else { return (SortedSetModel.flagAgrees(output, with: false), state) }
            var next = state
            next.insert(entry, at: next.firstIndex { entry < $0 } ?? next.endIndex)
            return (SortedSetModel.flagAgrees(output, with: true), next)
        case .erem(let member, let score):
            guard let position = state.firstIndex(of: ScoredMember(member: member, score: score)) else {
                return (SortedSetModel.flagAgrees(output, with: false), state)
            }
            var next = state
            next.remove(at: position)
            return (SortedSetModel.flagAgrees(output, with: true), next)
        case .zrange(let request):
            return (!known || SortedSetModel.seen(output, equals: request.select(from: state)), state)
        case .read:
            return (!known || SortedSetModel.seen(output, equals: state[...]), state)
        case .write, .cas, .incr, .zadd, .zrem:
            return (false, state)
        }
    }

    public func describe(_ state: [ScoredMember]) -> String {
        OperationOutput.members(state).description
    }
}
