import NIOCore

/// A Keel message that travels as one frame's protobuf payload.
///
/// Conversions go through the protobuf-c structs generated from `keel.proto`, so the bytes
/// are exactly what any other protobuf implementation of the schema reads and writes.
public protocol WireMessage: Sendable, Hashable {
    /// Appends the protobuf encoding of this message to `buffer` (no frame header).
    func encode(into buffer: inout ByteBuffer)

    /// Decodes a message from all readable bytes of `buffer` (one frame's payload).
    /// - Throws: ``WireDecodingError``.
    init(decoding buffer: ByteBuffer) throws(WireDecodingError)
}

extension WireMessage {
    /// The protobuf encoding of this message.
    public func serialized() -> [UInt8] {
        var buffer = ByteBuffer()
        self.encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Decodes a message from its protobuf encoding.
    /// - Throws: ``WireDecodingError``.
    public init(serialized bytes: some Collection<UInt8>) throws(WireDecodingError) {
        try self.init(decoding: ByteBuffer(bytes: bytes))
    }
}
