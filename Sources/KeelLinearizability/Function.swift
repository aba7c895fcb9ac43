/// The operation an event performs, as written in the `f` field of a history line.
public enum Function: String, Hashable, Sendable, CaseIterable, Codable {
    /// Reads a key: a register's value, a counter's value, or a sorted set's whole contents.
    case read
    /// Sets a register to a value.
    case write
    /// Compare-and-set on a register: `[expected, new]`.
    case cas
    /// Adds a signed delta to a 64-bit counter and returns the new value.
    case incr
    /// Inserts a member into a sorted set, or moves it to a new score if already there.
    case zadd
    /// Removes a member from a sorted set.
    case zrem
    /// Reads a sorted set's members in order, all of them or one page.
    case zrange
    /// Adds an entry, a (member, score) pair, to an entry-keyed sorted set (nothing if there).
    case eadd
    /// Removes an entry, named by member and score, from an entry-keyed sorted set.
    case erem

    /// Whether the operation only observes state; such an operation with an unknown
    /// outcome constrains nothing and is left out of the check.
    public var isReadOnly: Bool {
        switch self {
        case .read, .zrange: true
        case .write, .cas, .incr, .zadd, .zrem, .eadd, .erem: false
        }
    }
}
