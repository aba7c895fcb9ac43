/// What a `zrange` asks for: the whole set, or one page of it.
public enum RangeRequest: Hashable, Sendable, CustomStringConvertible {
    /// Every member, in ascending order. Written as `null`.
    case all
    /// At most `limit` members starting at rank `offset` (0-based) in the given direction.
    /// Written as `[offset, limit]` (ascending) or `[offset, limit, "desc"]`.
    case page(offset: Int, limit: Int, descending: Bool)

    /// The members this request returns from a set whose members are sorted ascending.
    public func select(from ascending: [ScoredMember]) -> ArraySlice<ScoredMember> {
        switch self {
        case .all:
            return ascending[...]
        case .page(let offset, let limit, let descending):
            let ordered = descending ? Array(ascending.reversed()) : ascending
            let start = min(offset, ordered.count)
            let end = min(ordered.count, start + min(limit, ordered.count))
            return ordered[start..<end]
        }
    }

    public var description: String {
        switch self {
        case .all: "all"
        case .page(let offset, let limit, let descending):
            "\(descending ? "desc" : "asc") offset \(offset) limit \(limit)"
        }
    }
}
