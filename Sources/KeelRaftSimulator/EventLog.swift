/// The readable event lines of one run. A reference so that recording does not need
/// exclusive access to the simulation; it belongs to one simulation on one task.
public final class EventLog {
    /// Whether lines are kept; off by default because runs are many and long.
    public var isEnabled = false
    /// The lines, "tick event".
    public internal(set) var lines: [String] = []

    init() {}
}
