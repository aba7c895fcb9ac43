/// The order in which a scan visits keys.
public enum ScanDirection: Sendable, Hashable {
    /// Ascending bytewise order, from the lower bound.
    case forward
    /// Descending order, from just below the upper bound.
    case reverse
}
