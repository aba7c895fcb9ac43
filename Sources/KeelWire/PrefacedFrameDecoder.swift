import NIOCore

/// Decodes what the accepting side of a connection receives: the 8-byte ``Preface`` once,
/// then frames exactly as ``FrameDecoder`` does.
///
/// The preface is checked before any frame is looked at, so a connection with the wrong
/// magic or an unsupported version fails with a ``PrefaceError`` before a single protobuf
/// byte is parsed. A node's pipeline for an accepted connection, from the socket up:
///
/// ```swift
/// let limit = FrameDecoder.defaultMaximumFrameLength
/// try channel.pipeline.syncOperations.addHandlers(
///     ByteToMessageHandler(PrefacedFrameDecoder(maximumFrameLength: limit),
///                          maximumBufferSize: FrameDecoder.bufferLimit(forFrameLimit: limit)),
///     MessageToByteHandler(FrameEncoder(maximumFrameLength: limit)),
///     acceptedConnectionHandler  // reads Inbound values, writes payload ByteBuffers
/// )
/// ```
///
/// The handler sees `.preface` first (to check the connection kind), then `.frame` payloads:
/// the first is a ``Hello``, which it answers with a ``HelloReply``. Errors (``PrefaceError``,
/// ``FrameError``) arrive in `errorCaught`; after one, this decoder reads nothing more.
public struct PrefacedFrameDecoder: ByteToMessageDecoder {
    /// One item read from the connection.
    public enum Inbound: Sendable, Hashable {
        /// The connection's preface; always the first item, exactly once.
        case preface(Preface)
        /// One frame's payload (possibly empty).
        case frame(ByteBuffer)
    }

    public typealias InboundOut = Inbound

    private var prefaceReceived = false
    private let frames: FrameDecoder

    /// Creates a decoder that expects a preface and then frames.
    /// - Parameter maximumFrameLength: The largest payload accepted; defaults to 16 MiB.
    public init(maximumFrameLength: UInt32 = FrameDecoder.defaultMaximumFrameLength) {
        self.frames = FrameDecoder(maximumFrameLength: maximumFrameLength)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard self.prefaceReceived else {
            guard let preface = try Preface.parse(from: &buffer) else {
                return .needMoreData
            }
            self.prefaceReceived = true
            context.fireChannelRead(Self.wrapInboundOut(.preface(preface)))
            return .continue
        }
        guard let payload = try self.frames.readFrame(from: &buffer) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(.frame(payload)))
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
        // At EOF leftover bytes are a preface or frame cut short; without EOF the handler is
        // being removed and the bytes stay.
        if seenEOF && buffer.readableBytes > 0 {
            let received = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: received)
            if self.prefaceReceived {
                throw FrameError.truncated(receivedBytes: received)
            }
            throw PrefaceError.truncated(length: received)
        }
        return .needMoreData
    }
}
