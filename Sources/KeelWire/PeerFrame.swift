import CKeelProto
import NIOCore

/// What a node sends on its connection to a peer, after the handshake.
public enum PeerFrame: WireMessage {
    /// One or more Raft messages, in order.
    case messages([PeerMessage])
    /// A piece of a snapshot being streamed.
    case snapshotChunk(SnapshotChunk)

    public func encode(into buffer: inout ByteBuffer) {
        self.encodeWithProtobufC(into: &buffer)
    }

    public init(decoding buffer: ByteBuffer) throws(WireDecodingError) {
        try self.init(decodingWithProtobufC: buffer)
    }
}

extension PeerFrame: CMessageConvertible {
    static let codec = ProtobufCCodec<Keel__PeerFrame>(
        messageType: "keel.PeerFrame",
        packedSize: keel__peer_frame__get_packed_size,
        pack: keel__peer_frame__pack,
        unpack: keel__peer_frame__unpack
    )

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__PeerFrame> {
        let frame = arena.message(keel__peer_frame__init)
        switch self {
        case .messages(let messages):
            let batch = arena.message(keel__peer_messages__init)
            let cMessages = messages.map { message -> UnsafeMutablePointer<Keel__RaftMessage>? in
                message.cMessage(in: arena)
            }
            batch.pointee.n_messages = cMessages.count
            batch.pointee.messages = arena.array(cMessages)
            frame.pointee.body_case = KEEL__PEER_FRAME__BODY_MESSAGES
            frame.pointee.messages = batch
        case .snapshotChunk(let chunk):
            frame.pointee.body_case = KEEL__PEER_FRAME__BODY_SNAPSHOT_CHUNK
            frame.pointee.snapshot_chunk = chunk.cMessage(in: arena)
        }
        return frame
    }

    init(_ frame: Keel__PeerFrame, reader: CFieldReader) throws(WireDecodingError) {
        switch frame.body_case {
        case KEEL__PEER_FRAME__BODY_MESSAGES:
            let batch = try reader.present(frame.messages, field: "messages")
            self = .messages(
                try reader.messages(batch.messages, count: batch.n_messages, field: "messages.messages") {
                    message throws(WireDecodingError) -> PeerMessage in
                    try PeerMessage(message, reader: reader)
                }
            )
        case KEEL__PEER_FRAME__BODY_SNAPSHOT_CHUNK:
            self = .snapshotChunk(try SnapshotChunk(try reader.present(frame.snapshot_chunk, field: "snapshot_chunk"), reader: reader))
        default:
            throw reader.invalid("body", "neither messages nor snapshot_chunk is set")
        }
    }
}
