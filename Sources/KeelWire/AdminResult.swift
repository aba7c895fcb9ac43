import CKeelProto

/// The answer to an ``AdminOperation``.
public enum AdminResult: Sendable, Hashable {
    /// The answer to ``AdminOperation/status``.
    case status(NodeStatus)
    /// The answer to ``AdminOperation/members``: every member and the leader known (or 0).
    case members([ClusterMember], leaderID: UInt64)
    /// A learner was added; the membership after the change and the change's log index.
    case addLearner(members: [ClusterMember], appliedIndex: UInt64)
    /// A learner was promoted.
    case promote(members: [ClusterMember], appliedIndex: UInt64)
    /// A member was removed.
    case remove(members: [ClusterMember], appliedIndex: UInt64)
    /// Leadership moved to `leaderID` in `term`.
    case transferLeadership(leaderID: UInt64, term: UInt64)
    /// A snapshot was taken at `index` (whose entry has `term`), and the log compacted behind it.
    case takeSnapshot(index: UInt64, term: UInt64)
}

extension AdminResult {
    /// Hangs this result into the `result` oneof of `message`.
    func attach(to message: UnsafeMutablePointer<Keel__Response>, in arena: CMessageArena) {
        func membership(_ members: [ClusterMember], _ appliedIndex: UInt64) -> UnsafeMutablePointer<Keel__MembershipResult> {
            let result = arena.message(keel__membership_result__init)
            let cMembers = members.map { $0.cMessage(in: arena) }
            result.pointee.n_members = cMembers.count
            result.pointee.members = arena.array(cMembers)
            result.pointee.applied_index = appliedIndex
            return result
        }
        switch self {
        case .status(let status):
            message.pointee.result_case = KEEL__RESPONSE__RESULT_STATUS
            message.pointee.status = status.cMessage(in: arena)
        case .members(let members, let leaderID):
            let result = arena.message(keel__members_result__init)
            let cMembers = members.map { $0.cMessage(in: arena) }
            result.pointee.n_members = cMembers.count
            result.pointee.members = arena.array(cMembers)
            result.pointee.leader_id = leaderID
            message.pointee.result_case = KEEL__RESPONSE__RESULT_MEMBERS
            message.pointee.members = result
        case .addLearner(let members, let appliedIndex):
            message.pointee.result_case = KEEL__RESPONSE__RESULT_ADD_LEARNER
            message.pointee.add_learner = membership(members, appliedIndex)
        case .promote(let members, let appliedIndex):
            message.pointee.result_case = KEEL__RESPONSE__RESULT_PROMOTE
            message.pointee.promote = membership(members, appliedIndex)
        case .remove(let members, let appliedIndex):
            message.pointee.result_case = KEEL__RESPONSE__RESULT_REMOVE_MEMBER
            message.pointee.remove_member = membership(members, appliedIndex)
        case .transferLeadership(let leaderID, let term):
            let result = arena.message(keel__transfer_leadership_result__init)
            result.pointee.leader_id = leaderID
            result.pointee.term = term
            message.pointee.result_case = KEEL__RESPONSE__RESULT_TRANSFER_LEADERSHIP
            message.pointee.transfer_leadership = result
        case .takeSnapshot(let index, let term):
            let result = arena.message(keel__take_snapshot_result__init)
            result.pointee.snapshot_index = index
            result.pointee.snapshot_term = term
            message.pointee.result_case = KEEL__RESPONSE__RESULT_TAKE_SNAPSHOT
            message.pointee.take_snapshot = result
        }
    }

    /// The admin result in `message`, or `nil` when its result is not an admin one.
    static func decode(_ message: Keel__Response, reader: CFieldReader) throws(WireDecodingError) -> AdminResult? {
        func members(
            _ pointers: UnsafeMutablePointer<UnsafeMutablePointer<Keel__Member>?>?,
            count: Int,
            field: String
        ) throws(WireDecodingError) -> [ClusterMember] {
            try reader.messages(pointers, count: count, field: field) { member throws(WireDecodingError) -> ClusterMember in
                try ClusterMember(member, reader: reader)
            }
        }
        switch message.result_case {
        case KEEL__RESPONSE__RESULT_STATUS:
            return .status(try NodeStatus(try reader.present(message.status, field: "status"), reader: reader))
        case KEEL__RESPONSE__RESULT_MEMBERS:
            let result = try reader.present(message.members, field: "members")
            return .members(
                try members(result.members, count: result.n_members, field: "members.members"),
                leaderID: result.leader_id
            )
        case KEEL__RESPONSE__RESULT_ADD_LEARNER:
            let result = try reader.present(message.add_learner, field: "add_learner")
            return .addLearner(
                members: try members(result.members, count: result.n_members, field: "add_learner.members"),
                appliedIndex: result.applied_index
            )
        case KEEL__RESPONSE__RESULT_PROMOTE:
            let result = try reader.present(message.promote, field: "promote")
            return .promote(
                members: try members(result.members, count: result.n_members, field: "promote.members"),
                appliedIndex: result.applied_index
            )
        case KEEL__RESPONSE__RESULT_REMOVE_MEMBER:
            let result = try reader.present(message.remove_member, field: "remove_member")
            return .remove(
                members: try members(result.members, count: result.n_members, field: "remove_member.members"),
                appliedIndex: result.applied_index
            )
        case KEEL__RESPONSE__RESULT_TRANSFER_LEADERSHIP:
            let result = try reader.present(message.transfer_leadership, field: "transfer_leadership")
            return .transferLeadership(leaderID: result.leader_id, term: result.term)
        case KEEL__RESPONSE__RESULT_TAKE_SNAPSHOT:
            let result = try reader.present(message.take_snapshot, field: "take_snapshot")
            return .takeSnapshot(index: result.snapshot_index, term: result.snapshot_term)
        default:
            return nil
        }
    }
}
