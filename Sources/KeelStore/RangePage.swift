/// One page of a range.
public struct RangePage: Sendable, Hashable {
    /// The members with their scores, in the requested order.
    public var members: [ScoredMember]
    /// Where the next page starts, or `nil` if the range has no members after this page.
    public var nextCursor: RangeCursor?

    /// Creates a page.
    public init(members: [ScoredMember], nextCursor: RangeCursor?) {
        self.members = members
        self.nextCursor = nextCursor
    }
}
