import CKeelProto

/// An exclusive position in a sorted-set range: the score and member of the last member of a
/// page. The next page starts right after it, so members inserted meanwhile neither repeat nor
/// hide members on later pages.
public struct SortedSetCursor: Sendable, Hashable {
    /// The score of the last member returned.
    public var score: Double
    /// The last member returned.
    public var member: [UInt8]

    /// Creates a cursor.
    /// - Parameters:
    ///   - score: The score of the last member seen.
    ///   - member: The last member seen.
    public init(score: Double, member: [UInt8]) {
        self.score = score
        self.member = member
    }

    // Equality by bit pattern, as for ``SortedSetMember``.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.member == rhs.member && lhs.score.bitPattern == rhs.score.bitPattern
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(member)
        hasher.combine(score.bitPattern)
    }
}

extension SortedSetCursor {
    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__SortedSetCursor> {
        let message = arena.message(keel__sorted_set_cursor__init)
        message.pointee.score = self.score
        message.pointee.member = arena.binaryData(self.member)
        return message
    }

    init(_ message: Keel__SortedSetCursor, reader: CFieldReader) {
        self.init(score: message.score, member: reader.bytes(message.member))
    }
}
