/// Traffic from one node's peer transport to another node's peer port: node `from`'s outgoing
/// connection to node `to` (which also carries `to`'s replies on that connection, such as
/// snapshot chunk acknowledgements). Cutting both directions of a pair partitions the two nodes.
public struct DirectedLink: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var from: UInt64
    public var to: UInt64

    public init(from: UInt64, to: UInt64) {
        self.from = from
        self.to = to
    }

    public var description: String { "\(from)->\(to)" }

    public static func < (lhs: DirectedLink, rhs: DirectedLink) -> Bool {
        (lhs.from, lhs.to) < (rhs.from, rhs.to)
    }
}
