/// Where a sorted-set range starts.
public enum SortedSetRangeStart: Sendable, Hashable {
    /// At the first member in the order.
    case beginning
    /// Right after this cursor (exclusive): stable paging.
    case after(SortedSetCursor)
    /// At the first member whose score is at or past `score` in the order: at most `score`
    /// newest first, at least `score` oldest first.
    case score(Double)
    /// After skipping this many members from the beginning. Offsets shift when members are
    /// inserted or removed between pages, so offset paging can repeat or skip members; use
    /// cursors for stable paging. Not accepted by merged ranges.
    case offset(UInt32)

    // Scores compare by bit pattern, as for ``SortedSetMember``.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.beginning, .beginning):
            return true
        case (.after(let left), .after(let right)):
            return left == right
        case (.score(let left), .score(let right)):
            return left.bitPattern == right.bitPattern
        case (.offset(let left), .offset(let right)):
            return left == right
        default:
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .beginning:
            hasher.combine(0)
        case .after(let cursor):
            hasher.combine(1)
            hasher.combine(cursor)
        case .score(let score):
            hasher.combine(2)
            hasher.combine(score.bitPattern)
        case .offset(let offset):
            hasher.combine(3)
            hasher.combine(offset)
        }
    }
}
