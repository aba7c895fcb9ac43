import CKeelProto
import NIOCore

/// The accepting side's consent to a ``Hello``: the connection is open for traffic.
public struct HelloAck: WireMessage {
    /// The accepting node's cluster id (equal to the one in the hello).
    public var clusterID: String
    /// The accepting node's id.
    public var nodeID: UInt64

    /// Creates an acknowledgement.
    /// - Parameters:
    ///   - clusterID: The accepting node's cluster id.
    ///   - nodeID: The accepting node's id.
    public init(clusterID: String, nodeID: UInt64) {
        self.clusterID = clusterID
        self.nodeID = nodeID
    }

    public func encode(into buffer: inout ByteBuffer) {
        self.encodeWithProtobufC(into: &buffer)
    }

    public init(decoding buffer: ByteBuffer) throws(WireDecodingError) {
        try self.init(decodingWithProtobufC: buffer)
    }
}

extension HelloAck: CMessageConvertible {
    static let codec = ProtobufCCodec<Keel__HelloAck>(
        messageType: "keel.HelloAck",
        packedSize: keel__hello_ack__get_packed_size,
        pack: keel__hello_ack__pack,
        unpack: keel__hello_ack__unpack
    )

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__HelloAck> {
        let message = arena.message(keel__hello_ack__init)
        message.pointee.cluster_id = arena.cString(self.clusterID)
        message.pointee.node_id = self.nodeID
        return message
    }

    init(_ message: Keel__HelloAck, reader: CFieldReader) throws(WireDecodingError) {
        self.clusterID = try reader.string(message.cluster_id, field: "cluster_id")
        self.nodeID = message.node_id
    }
}
