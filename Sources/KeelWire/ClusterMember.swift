import CKeelProto

/// One member of the cluster as a node knows it.
public struct ClusterMember: Sendable, Hashable {
    /// The member's node id.
    public var nodeID: UInt64
    /// Where the member serves clients (`host:port`); empty while unknown.
    public var clientAddress: String
    /// Where the member listens for peers (`host:port`); empty while unknown.
    public var peerAddress: String
    /// True for a voter, false for a learner.
    public var isVoter: Bool

    /// Creates a member description.
    public init(nodeID: UInt64, clientAddress: String, peerAddress: String, isVoter: Bool) {
        self.nodeID = nodeID
        self.clientAddress = clientAddress
        self.peerAddress = peerAddress
        self.isVoter = isVoter
    }

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__Member>? {
        let message = arena.message(keel__member__init)
        message.pointee.node_id = self.nodeID
        message.pointee.client_address = arena.cString(self.clientAddress)
        message.pointee.peer_address = arena.cString(self.peerAddress)
        message.pointee.voter = self.isVoter ? 1 : 0
        return message
    }

    init(_ message: Keel__Member, reader: CFieldReader) throws(WireDecodingError) {
        self.nodeID = message.node_id
        self.clientAddress = try reader.string(message.client_address, field: "member.client_address")
        self.peerAddress = try reader.string(message.peer_address, field: "member.peer_address")
        self.isVoter = message.voter != 0
    }
}
