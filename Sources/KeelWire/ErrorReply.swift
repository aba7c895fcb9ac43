import CKeelProto
import NIOCore

/// A failure reported by the other side: the answer to a request that failed, or the refusal
/// of a ``Hello``.
///
/// It conforms to `Error` so that a client can throw what the server said.
public struct ErrorReply: WireMessage, Error, CustomStringConvertible {
    /// What went wrong.
    public var code: ErrorCode
    /// A human-readable explanation, for logs; do not parse it.
    public var message: String
    /// With ``ErrorCode/notLeader``: the leader's node id, or 0 when no leader is known.
    public var leaderID: UInt64
    /// With ``ErrorCode/notLeader``: the leader's client address (`host:port`), or empty.
    public var leaderAddress: String

    /// Creates an error reply.
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A human-readable explanation.
    ///   - leaderID: The known leader's id, or 0.
    ///   - leaderAddress: The known leader's client address, or empty.
    public init(code: ErrorCode, message: String = "", leaderID: UInt64 = 0, leaderAddress: String = "") {
        self.code = code
        self.message = message
        self.leaderID = leaderID
        self.leaderAddress = leaderAddress
    }

    public var description: String {
        var text = "\(self.code): \(self.message)"
        if self.leaderID != 0 || !self.leaderAddress.isEmpty {
            text += " (leader \(self.leaderID) at \(self.leaderAddress))"
        }
        return text
    }

    public func encode(into buffer: inout ByteBuffer) {
        self.encodeWithProtobufC(into: &buffer)
    }

    public init(decoding buffer: ByteBuffer) throws(WireDecodingError) {
        try self.init(decodingWithProtobufC: buffer)
    }
}

extension ErrorReply: CMessageConvertible {
    static let codec = ProtobufCCodec<Keel__Error>(
        messageType: "keel.Error",
        packedSize: keel__error__get_packed_size,
        pack: keel__error__pack,
        unpack: keel__error__unpack
    )

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__Error> {
        let message = arena.message(keel__error__init)
        message.pointee.code = self.code.cValue
        message.pointee.message = arena.cString(self.message)
        message.pointee.leader_id = self.leaderID
        message.pointee.leader_address = arena.cString(self.leaderAddress)
        return message
    }

    init(_ message: Keel__Error, reader: CFieldReader) throws(WireDecodingError) {
        self.code = ErrorCode(message.code)
        self.message = try reader.string(message.message, field: "message")
        self.leaderID = message.leader_id
        self.leaderAddress = try reader.string(message.leader_address, field: "leader_address")
    }
}
