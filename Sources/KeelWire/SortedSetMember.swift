import CKeelProto

/// A sorted-set member and its score.
public struct SortedSetMember: Sendable, Hashable {
    /// The member's bytes (for feeds, an activity id).
    public var member: [UInt8]
    /// The score (for feeds, a timestamp). A node refuses NaN and stores -0.0 as +0.0.
    public var score: Double

    /// Creates a scored member.
    /// - Parameters:
    ///   - member: The member's bytes.
    ///   - score: Its score.
    public init(member: [UInt8], score: Double) {
        self.member = member
        self.score = score
    }

    // Equality by bit pattern, so that NaN equals itself and -0.0 differs from +0.0: what the
    // wire carries is compared, not what the numbers mean.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.member == rhs.member && lhs.score.bitPattern == rhs.score.bitPattern
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(member)
        hasher.combine(score.bitPattern)
    }
}

extension SortedSetMember {
    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__SortedSetMember> {
        let message = arena.message(keel__sorted_set_member__init)
        message.pointee.member = arena.binaryData(self.member)
        message.pointee.score = self.score
        return message
    }

    init(_ message: Keel__SortedSetMember, reader: CFieldReader) {
        self.init(member: reader.bytes(message.member), score: message.score)
    }
}
