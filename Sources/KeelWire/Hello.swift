import CKeelProto
import NIOCore

/// The first frame the connecting side sends, right after the ``Preface``.
///
/// The accepting side checks the cluster id before anything else crosses the connection and
/// answers with a ``HelloReply``, so a node never joins another cluster's traffic.
public struct Hello: WireMessage {
    /// The cluster the sender belongs to, or wants to talk to.
    public var clusterID: String
    /// The sender's node id; 0 for clients and admin tools.
    public var nodeID: UInt64
    /// The sender's software version, for logs and diagnostics.
    public var softwareVersion: String
    /// Peers only: the sender's peer address (`host:port`), so the receiver can answer it.
    public var peerAddress: String
    /// Peers only: the sender's client address (`host:port`), for NOT_LEADER hints.
    public var clientAddress: String

    /// Creates a hello.
    /// - Parameters:
    ///   - clusterID: The cluster the sender belongs to or addresses.
    ///   - nodeID: The sender's node id; 0 unless the sender is a node.
    ///   - softwareVersion: The sender's software version.
    ///   - peerAddress: A node's peer address; empty for clients.
    ///   - clientAddress: A node's client address; empty for clients.
    public init(
        clusterID: String,
        nodeID: UInt64 = 0,
        softwareVersion: String,
        peerAddress: String = "",
        clientAddress: String = ""
    ) {
        self.clusterID = clusterID
        self.nodeID = nodeID
        self.softwareVersion = softwareVersion
        self.peerAddress = peerAddress
        self.clientAddress = clientAddress
    }

    public func encode(into buffer: inout ByteBuffer) {
        self.encodeWithProtobufC(into: &buffer)
    }

    public init(decoding buffer: ByteBuffer) throws(WireDecodingError) {
        try self.init(decodingWithProtobufC: buffer)
    }
}

extension Hello: CMessageConvertible {
    static let codec = ProtobufCCodec<Keel__Hello>(
        messageType: "keel.Hello",
        packedSize: keel__hello__get_packed_size,
        pack: keel__hello__pack,
        unpack: keel__hello__unpack
    )

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__Hello> {
        let message = arena.message(keel__hello__init)
        message.pointee.cluster_id = arena.cString(self.clusterID)
        message.pointee.node_id = self.nodeID
        message.pointee.software_version = arena.cString(self.softwareVersion)
        message.pointee.peer_address = arena.cString(self.peerAddress)
        message.pointee.client_address = arena.cString(self.clientAddress)
        return message
    }

    init(_ message: Keel__Hello, reader: CFieldReader) throws(WireDecodingError) {
        self.clusterID = try reader.string(message.cluster_id, field: "cluster_id")
        self.nodeID = message.node_id
        self.softwareVersion = try reader.string(message.software_version, field: "software_version")
        self.peerAddress = try reader.string(message.peer_address, field: "peer_address")
        self.clientAddress = try reader.string(message.client_address, field: "client_address")
    }
}
