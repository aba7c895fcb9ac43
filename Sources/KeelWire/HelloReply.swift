import CKeelProto
import NIOCore

/// The accepting side's answer to a ``Hello``: the first and only handshake frame it sends.
/// After a rejection it closes the connection.
public enum HelloReply: WireMessage {
    /// The connection is open for traffic.
    case accepted(HelloAck)
    /// The connection is refused (``ErrorCode/wrongCluster``,
    /// ``ErrorCode/unsupportedVersion``, ...).
    case rejected(ErrorReply)

    public func encode(into buffer: inout ByteBuffer) {
        self.encodeWithProtobufC(into: &buffer)
    }

    public init(decoding buffer: ByteBuffer) throws(WireDecodingError) {
        try self.init(decodingWithProtobufC: buffer)
    }
}

extension HelloReply: CMessageConvertible {
    static let codec = ProtobufCCodec<Keel__HelloReply>(
        messageType: "keel.HelloReply",
        packedSize: keel__hello_reply__get_packed_size,
        pack: keel__hello_reply__pack,
        unpack: keel__hello_reply__unpack
    )

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__HelloReply> {
        let message = arena.message(keel__hello_reply__init)
        switch self {
        case .accepted(let ack):
            message.pointee.result_case = KEEL__HELLO_REPLY__RESULT_ACK
            message.pointee.ack = ack.cMessage(in: arena)
        case .rejected(let error):
            message.pointee.result_case = KEEL__HELLO_REPLY__RESULT_ERROR
            message.pointee.error = error.cMessage(in: arena)
        }
        return message
    }

    init(_ message: Keel__HelloReply, reader: CFieldReader) throws(WireDecodingError) {
        switch message.result_case {
        case KEEL__HELLO_REPLY__RESULT_ACK:
            self = .accepted(try HelloAck(try reader.present(message.ack, field: "ack"), reader: reader))
        case KEEL__HELLO_REPLY__RESULT_ERROR:
            self = .rejected(try ErrorReply(try reader.present(message.error, field: "error"), reader: reader))
        default:
            // A reply this build cannot read is as good as a refusal; say why.
            throw reader.invalid("result", "neither ack nor error is set")
        }
    }
}
