/// What a completed operation returned to the client.
public enum OperationOutput: Hashable, Sendable, CustomStringConvertible {
    /// Nothing the checker can use (`null` on a write, cas, incr, zadd or zrem completion).
    case unreported
    /// A register or counter value; `nil` when the key was absent. Reads and increments.
    case value(RegisterValue?)
    /// A yes/no answer: whether a cas swapped, whether a zadd inserted a new member,
    /// whether a zrem found the member.
    case flag(Bool)
    /// Sorted-set members in the order returned. Ranges, and reads of a sorted set.
    case members([ScoredMember])

    public var description: String {
        switch self {
        case .unreported: "-"
        case .value(let value): value.map(String.init(describing:)) ?? "null"
        case .flag(let flag): String(flag)
        case .members(let members): "[" + members.map(String.init(describing:)).joined(separator: ", ") + "]"
        }
    }
}
