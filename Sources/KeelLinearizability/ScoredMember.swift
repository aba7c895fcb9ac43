/// One member of a sorted set with its score.
///
/// Sets are ordered by ascending score, then by the member's UTF-8 bytes, which is the order
/// of Keel's member entries in storage.
public struct ScoredMember: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var member: String
    public var score: Double

    /// - Parameters:
    ///   - member: the member's name.
    ///   - score: a finite score.
    public init(member: String, score: Double) {
        self.member = member
        self.score = score
    }

    public static func < (lhs: ScoredMember, rhs: ScoredMember) -> Bool {
        if lhs.score != rhs.score { return lhs.score < rhs.score }
        return lhs.member.utf8.lexicographicallyPrecedes(rhs.member.utf8)
    }

    public var description: String {
        "\(HistoryValue.string(member).jsonText):\(HistoryValue.number(score).jsonText)"
    }
}
