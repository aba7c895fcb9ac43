/// Where a range starts.
public enum RangeStart: Sendable, Hashable {
    /// At the first member in the order.
    case beginning
    /// Right after a cursor (exclusive).
    case after(RangeCursor)
    /// At the first member whose score is at or past `score` in the order: at most `score`
    /// for ``RangeOrder/newestFirst``, at least `score` for ``RangeOrder/oldestFirst``.
    case score(Double)
    /// After skipping this many members from the beginning. Offsets shift when members are
    /// inserted or removed between pages, so offset paging can repeat or skip members; use
    /// cursors for stable paging. Not supported by merged ranges.
    case offset(Int)
}
