import CKeelProto
import NIOCore

/// What the accepting node sends back on a peer connection after the handshake.
public enum PeerReply: WireMessage {
    /// The answer to a ``SnapshotChunk``.
    case snapshotAck(SnapshotChunkAck)

    public func encode(into buffer: inout ByteBuffer) {
        self.encodeWithProtobufC(into: &buffer)
    }

    public init(decoding buffer: ByteBuffer) throws(WireDecodingError) {
        try self.init(decodingWithProtobufC: buffer)
    }
}

extension PeerReply: CMessageConvertible {
    static let codec = ProtobufCCodec<Keel__PeerReply>(
        messageType: "keel.PeerReply",
        packedSize: keel__peer_reply__get_packed_size,
        pack: keel__peer_reply__pack,
        unpack: keel__peer_reply__unpack
    )

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__PeerReply> {
        let reply = arena.message(keel__peer_reply__init)
        switch self {
        case .snapshotAck(let ack):
            let message = arena.message(keel__snapshot_chunk_ack__init)
            message.pointee.snapshot_index = ack.snapshotIndex
            message.pointee.snapshot_term = ack.snapshotTerm
            message.pointee.file = arena.cString(ack.file)
            message.pointee.received_bytes = ack.receivedBytes
            message.pointee.ok = ack.isAccepted ? 1 : 0
            message.pointee.message = arena.cString(ack.message)
            message.pointee.last = ack.isLast ? 1 : 0
            reply.pointee.body_case = KEEL__PEER_REPLY__BODY_SNAPSHOT_ACK
            reply.pointee.snapshot_ack = message
        }
        return reply
    }

    init(_ reply: Keel__PeerReply, reader: CFieldReader) throws(WireDecodingError) {
        switch reply.body_case {
        case KEEL__PEER_REPLY__BODY_SNAPSHOT_ACK:
            let ack = try reader.present(reply.snapshot_ack, field: "snapshot_ack")
            self = .snapshotAck(
                SnapshotChunkAck(
                    snapshotIndex: ack.snapshot_index,
                    snapshotTerm: ack.snapshot_term,
                    file: try reader.string(ack.file, field: "snapshot_ack.file"),
                    receivedBytes: ack.received_bytes,
                    isAccepted: ack.ok != 0,
                    message: try reader.string(ack.message, field: "snapshot_ack.message"),
                    isLast: ack.last != 0
                )
            )
        default:
            throw reader.invalid("body", "snapshot_ack is not set")
        }
    }
}
