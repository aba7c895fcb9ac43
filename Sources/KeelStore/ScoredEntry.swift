/// A member with its encoded score, ordered by score, then by member bytes: the order of an
/// oldest-first range. RocksDB holds the member entries in exactly the reverse order.
struct ScoredEntry: Comparable, Hashable {
    var score: UInt64
    var member: [UInt8]

    static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.score != rhs.score { return lhs.score < rhs.score }
        return lhs.member.lexicographicallyPrecedes(rhs.member)
    }

    init(score: UInt64, member: [UInt8]) {
        self.score = score
        self.member = member
    }

    /// The entry of a command's scored member (its score encoded by ``OrderedScore``).
    init(_ scored: ScoredMember) {
        self.init(score: OrderedScore.encode(scored.score), member: scored.member)
    }

    var scoredMember: ScoredMember {
        ScoredMember(member: member, score: OrderedScore.decode(score))
    }
}
