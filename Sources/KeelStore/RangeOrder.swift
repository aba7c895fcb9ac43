/// The order of a sorted-set range.
public enum RangeOrder: Sendable, Hashable {
    /// Highest score first (for feeds whose scores are timestamps: newest first).
    case newestFirst
    /// Lowest score first.
    case oldestFirst
}
