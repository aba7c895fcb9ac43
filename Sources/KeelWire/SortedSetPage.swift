/// One page of a sorted-set range or merged range.
public struct SortedSetPage: Sendable, Hashable {
    /// The members with their scores, in the requested order.
    public var members: [SortedSetMember]
    /// Where the next page starts (pass it as ``SortedSetRangeStart/after(_:)``), or `nil`
    /// when no member follows this page.
    public var nextCursor: SortedSetCursor?
    /// The serving node's applied log index when it read.
    public var appliedIndex: UInt64

    /// Creates a page.
    public init(members: [SortedSetMember], nextCursor: SortedSetCursor?, appliedIndex: UInt64) {
        self.members = members
        self.nextCursor = nextCursor
        self.appliedIndex = appliedIndex
    }
}
