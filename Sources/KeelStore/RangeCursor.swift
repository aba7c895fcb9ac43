/// An exclusive position in a sorted set: the page continues right after it, so members
/// inserted meanwhile elsewhere in the set neither repeat nor hide members on later pages.
public struct RangeCursor: Sendable, Hashable {
    /// The score of the last member returned.
    public var score: Double
    /// The last member returned.
    public var member: [UInt8]

    /// Creates a cursor.
    public init(score: Double, member: [UInt8]) {
        self.score = score
        self.member = member
    }
}
