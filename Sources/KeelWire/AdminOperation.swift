import CKeelProto

/// An operator's request: inspect a node or change the cluster's membership and leadership.
/// Sent in a ``ClientRequest`` on the client port, like the key-value operations.
public enum AdminOperation: Sendable, Hashable {
    /// The answering node's view of itself and, on the leader, of its followers.
    case status
    /// The members of the cluster as the answering node knows them.
    case members
    /// Leader only: adds `nodeID` as a learner (it receives the log without voting).
    case addLearner(nodeID: UInt64, clientAddress: String, peerAddress: String)
    /// Leader only: turns the caught-up learner `nodeID` into a voter.
    case promote(nodeID: UInt64)
    /// Leader only: removes the voter or learner `nodeID`.
    case remove(nodeID: UInt64)
    /// Leader only: hands leadership to the voter `nodeID`; answered once it leads.
    case transferLeadership(to: UInt64)
    /// Any node: snapshots the state machine at its applied index and compacts the log.
    case takeSnapshot

    /// Whether only the leader can carry the operation out.
    public var requiresLeader: Bool {
        switch self {
        case .status, .members, .takeSnapshot:
            return false
        case .addLearner, .promote, .remove, .transferLeadership:
            return true
        }
    }
}

extension AdminOperation {
    /// Hangs this operation into the `op` oneof of `message`.
    func attach(to message: UnsafeMutablePointer<Keel__Request>, in arena: CMessageArena) {
        switch self {
        case .status:
            message.pointee.op_case = KEEL__REQUEST__OP_STATUS
            message.pointee.status = arena.message(keel__status_request__init)
        case .members:
            message.pointee.op_case = KEEL__REQUEST__OP_MEMBERS
            message.pointee.members = arena.message(keel__members_request__init)
        case .addLearner(let nodeID, let clientAddress, let peerAddress):
            let request = arena.message(keel__add_learner_request__init)
            request.pointee.node_id = nodeID
            request.pointee.client_address = arena.cString(clientAddress)
            request.pointee.peer_address = arena.cString(peerAddress)
            message.pointee.op_case = KEEL__REQUEST__OP_ADD_LEARNER
            message.pointee.add_learner = request
        case .promote(let nodeID):
            let request = arena.message(keel__promote_request__init)
            request.pointee.node_id = nodeID
            message.pointee.op_case = KEEL__REQUEST__OP_PROMOTE
            message.pointee.promote = request
        case .remove(let nodeID):
            let request = arena.message(keel__remove_member_request__init)
            request.pointee.node_id = nodeID
            message.pointee.op_case = KEEL__REQUEST__OP_REMOVE_MEMBER
            message.pointee.remove_member = request
        case .transferLeadership(let target):
            let request = arena.message(keel__transfer_leadership_request__init)
            request.pointee.node_id = target
            message.pointee.op_case = KEEL__REQUEST__OP_TRANSFER_LEADERSHIP
            message.pointee.transfer_leadership = request
        case .takeSnapshot:
            message.pointee.op_case = KEEL__REQUEST__OP_TAKE_SNAPSHOT
            message.pointee.take_snapshot = arena.message(keel__take_snapshot_request__init)
        }
    }

    /// The admin operation in `message`, or `nil` when its op is not an admin one.
    static func decode(_ message: Keel__Request, reader: CFieldReader) throws(WireDecodingError) -> AdminOperation? {
        switch message.op_case {
        case KEEL__REQUEST__OP_STATUS:
            return .status
        case KEEL__REQUEST__OP_MEMBERS:
            return .members
        case KEEL__REQUEST__OP_ADD_LEARNER:
            let request = try reader.present(message.add_learner, field: "add_learner")
            return .addLearner(
                nodeID: request.node_id,
                clientAddress: try reader.string(request.client_address, field: "add_learner.client_address"),
                peerAddress: try reader.string(request.peer_address, field: "add_learner.peer_address")
            )
        case KEEL__REQUEST__OP_PROMOTE:
            return .promote(nodeID: try reader.present(message.promote, field: "promote").node_id)
        case KEEL__REQUEST__OP_REMOVE_MEMBER:
            return .remove(nodeID: try reader.present(message.remove_member, field: "remove_member").node_id)
        case KEEL__REQUEST__OP_TRANSFER_LEADERSHIP:
            return .transferLeadership(
                to: try reader.present(message.transfer_leadership, field: "transfer_leadership").node_id
            )
        case KEEL__REQUEST__OP_TAKE_SNAPSHOT:
            return .takeSnapshot
        default:
            return nil
        }
    }
}
