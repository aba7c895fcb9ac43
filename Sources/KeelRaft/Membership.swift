/// The members of a Raft group: voters form quorums, learners only receive the log.
public struct Membership: Sendable, Hashable, CustomStringConvertible {
    /// Node ids that vote and count towards quorums, sorted ascending.
    public private(set) var voters: [UInt64]
    /// Node ids that receive the log but neither vote nor count, sorted ascending.
    public private(set) var learners: [UInt64]

    /// Creates a membership; ids are deduplicated and sorted, and a node listed as both
    /// voter and learner is a voter.
    public init(voters: [UInt64] = [], learners: [UInt64] = []) {
        let voterSet = Set(voters)
        self.voters = voterSet.sorted()
        self.learners = Set(learners).subtracting(voterSet).sorted()
    }

    /// Whether the membership lists no node at all.
    public var isEmpty: Bool { voters.isEmpty && learners.isEmpty }

    /// Whether `node` is a voter.
    public func isVoter(_ node: UInt64) -> Bool { voters.contains(node) }

    /// Whether `node` is a learner.
    public func isLearner(_ node: UInt64) -> Bool { learners.contains(node) }

    /// Whether `node` is a voter or a learner.
    public func contains(_ node: UInt64) -> Bool { isVoter(node) || isLearner(node) }

    /// Voters followed by learners.
    public var allMembers: [UInt64] { voters + learners }

    /// The number of votes that make a majority of the voters.
    public var quorum: Int { voters.count / 2 + 1 }

    /// The membership that results from `change`, validated against this one.
    /// - Throws: `RaftError` when the change does not apply to this membership.
    public func applying(_ change: ConfigurationChange) throws(RaftError) -> Membership {
        let node = change.node
        guard node != 0 else { throw .invalidNodeID }
        switch change.kind {
        case .addLearner:
            guard !contains(node) else { throw .alreadyMember(node) }
            return Membership(voters: voters, learners: learners + [node])
        case .promoteLearner:
            guard isLearner(node) else { throw .notALearner(node) }
            return Membership(voters: voters + [node], learners: learners.filter { $0 != node })
        case .remove:
            guard contains(node) else { throw .notAMember(node) }
            if isVoter(node) && voters.count == 1 { throw .cannotRemoveLastVoter }
            return Membership(voters: voters.filter { $0 != node }, learners: learners.filter { $0 != node })
        }
    }

    public var description: String { "voters \(voters) learners \(learners)" }

    func encode(into writer: inout ByteWriter) {
        writer.write(UInt32(voters.count))
        for voter in voters { writer.write(voter) }
        writer.write(UInt32(learners.count))
        for learner in learners { writer.write(learner) }
    }

    init(decoding reader: inout ByteReader) throws(RaftError) {
        let voterCount = try reader.readUInt32()
        var voters: [UInt64] = []
        for _ in 0..<voterCount { voters.append(try reader.readUInt64()) }
        let learnerCount = try reader.readUInt32()
        var learners: [UInt64] = []
        for _ in 0..<learnerCount { learners.append(try reader.readUInt64()) }
        self.init(voters: voters, learners: learners)
    }
}
