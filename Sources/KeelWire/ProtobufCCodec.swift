import CKeelProto
import NIOCore

/// The protobuf-c functions generated for one message type, and the pack/unpack steps every
/// message conversion shares.
struct ProtobufCCodec<CMessage>: Sendable {
    /// The protobuf message name, for errors.
    let messageType: String
    let packedSize: @Sendable (UnsafePointer<CMessage>?) -> Int
    let pack: @Sendable (UnsafePointer<CMessage>?, UnsafeMutablePointer<UInt8>?) -> Int
    let unpack: @Sendable (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<CMessage>?

    /// Appends the protobuf encoding of `message` to `buffer`.
    func write(_ message: UnsafePointer<CMessage>, into buffer: inout ByteBuffer) {
        let size = self.packedSize(message)
        guard size > 0 else {
            return
        }
        let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { bytes in
            self.pack(message, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        precondition(written == size, "protobuf-c packed \(written) bytes of \(size) for \(self.messageType)")
    }

    /// Parses `buffer` with protobuf-c and hands the C message to `convert`; the C message is
    /// freed before this returns, so `convert` must copy out everything it keeps.
    /// - Throws: ``WireDecodingError/unparsable(messageType:byteCount:)`` when protobuf-c
    ///   rejects the bytes, or whatever `convert` throws.
    func read<Value>(
        _ buffer: ByteBuffer,
        _ convert: (CMessage) throws(WireDecodingError) -> Value
    ) throws(WireDecodingError) -> Value {
        // protobuf-c copies strings and bytes out of the input, so the result does not point
        // into `buffer`. It allocates every sub-message, array and bytes field on its own: an
        // arena makes them a few blocks, freed at once without walking the message.
        try CMessageArena.withArena { arena throws(WireDecodingError) in
            try arena.withAllocator { allocator throws(WireDecodingError) in
                let unpacked = buffer.withUnsafeReadableBytes { bytes -> UnsafeMutablePointer<CMessage>? in
                    // An empty message is legal; protobuf-c still wants a non-NULL input pointer.
                    var empty: UInt8 = 0
                    guard let base = bytes.baseAddress, bytes.count > 0 else {
                        return self.unpack(allocator, 0, &empty)
                    }
                    return self.unpack(allocator, bytes.count, base.assumingMemoryBound(to: UInt8.self))
                }
                guard let unpacked else {
                    throw .unparsable(messageType: self.messageType, byteCount: buffer.readableBytes)
                }
                return try convert(unpacked.pointee)
            }
        }
    }
}

/// A Swift message type backed by a protobuf-c message type.
protocol CMessageConvertible {
    associatedtype CMessage

    static var codec: ProtobufCCodec<CMessage> { get }

    /// Builds the C message; it and everything it points to live as long as `arena`.
    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<CMessage>

    /// Copies a C message out into Swift values.
    init(_ message: CMessage, reader: CFieldReader) throws(WireDecodingError)
}

extension CMessageConvertible {
    /// Packs this value with protobuf-c and appends the bytes to `buffer`.
    func encodeWithProtobufC(into buffer: inout ByteBuffer) {
        CMessageArena.withArena { arena in
            Self.codec.write(self.cMessage(in: arena), into: &buffer)
        }
    }

    /// Unpacks `buffer` with protobuf-c and copies the result out.
    init(decodingWithProtobufC buffer: ByteBuffer) throws(WireDecodingError) {
        self = try Self.codec.read(buffer) { message throws(WireDecodingError) in
            try Self(message, reader: CFieldReader(messageType: Self.codec.messageType))
        }
    }
}
