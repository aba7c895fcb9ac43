import NIOCore

/// Splits a byte stream into Keel frames: a 4-byte big-endian payload length, then that many
/// bytes of protobuf. Emits each payload as a `ByteBuffer` (a zero-length frame is a valid
/// empty message and is emitted as an empty buffer).
///
/// The connecting side of a connection, which sends the preface and so never receives one,
/// uses this decoder directly; the accepting side uses ``PrefacedFrameDecoder``. A client's
/// pipeline, from the socket up:
///
/// ```swift
/// let limit = FrameDecoder.defaultMaximumFrameLength
/// try channel.pipeline.syncOperations.addHandlers(
///     ByteToMessageHandler(FrameDecoder(maximumFrameLength: limit),
///                          maximumBufferSize: FrameDecoder.bufferLimit(forFrameLimit: limit)),
///     MessageToByteHandler(FrameEncoder(maximumFrameLength: limit,
///                                       preface: Preface(kind: .client))),
///     clientConnectionHandler  // reads payload ByteBuffers, writes payload ByteBuffers
/// )
/// ```
///
/// A length above the maximum throws ``FrameError/frameTooLarge(length:limit:)`` as soon as the
/// 4 length bytes are there, before anything of that size is allocated or awaited;
/// `ByteToMessageHandler` then stops decoding and passes the error down the pipeline, where
/// the connection handler answers or closes.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// 16 MiB.
    public static let defaultMaximumFrameLength: UInt32 = 16 << 20
    /// The size of a frame's length prefix.
    public static let lengthPrefixSize = 4

    /// The largest payload accepted, in bytes.
    public let maximumFrameLength: UInt32

    /// Creates a frame decoder.
    /// - Parameter maximumFrameLength: The largest payload accepted; defaults to 16 MiB.
    public init(maximumFrameLength: UInt32 = FrameDecoder.defaultMaximumFrameLength) {
        self.maximumFrameLength = maximumFrameLength
    }

    /// A `maximumBufferSize` for `ByteToMessageHandler` that never cuts off a legal frame:
    /// one maximal frame with its prefix plus room for a socket read of the next frames.
    public static func bufferLimit(forFrameLimit maximumFrameLength: UInt32) -> Int {
        Int(maximumFrameLength) + lengthPrefixSize + (1 << 20)
    }

    /// Takes one whole frame's payload off the front of `buffer`, if it has arrived.
    /// - Returns: `nil` when the frame is not complete yet (`buffer` is untouched).
    /// - Throws: ``FrameError/frameTooLarge(length:limit:)``.
    public func readFrame(from buffer: inout ByteBuffer) throws(FrameError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return nil
        }
        guard length <= self.maximumFrameLength else {
            throw .frameTooLarge(length: length, limit: self.maximumFrameLength)
        }
        guard buffer.readableBytes >= FrameDecoder.lengthPrefixSize + Int(length) else {
            return nil
        }
        buffer.moveReaderIndex(forwardBy: FrameDecoder.lengthPrefixSize)
        return buffer.readSlice(length: Int(length))
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let payload = try self.readFrame(from: &buffer) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(payload))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        if try self.decode(context: context, buffer: &buffer) == .continue {
            return .continue
        }
        // At EOF whatever is left is a frame that can never complete. (Without EOF the handler
        // is being removed; the bytes stay for whoever decodes next.)
        if seenEOF && buffer.readableBytes > 0 {
            let received = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: received)
            throw FrameError.truncated(receivedBytes: received)
        }
        return .needMoreData
    }
}
