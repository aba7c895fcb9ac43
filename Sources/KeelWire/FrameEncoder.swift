import NIOCore

/// Writes payloads as Keel frames: a 4-byte big-endian length, then the payload.
///
/// The connecting side passes its ``Preface``; the encoder writes it in front of the first
/// frame (the ``Hello``), in the same buffer, so the preface can never be framed by mistake
/// or overtaken by another write. The accepting side passes no preface. See ``FrameDecoder``
/// and ``PrefacedFrameDecoder`` for the full pipelines.
///
/// The encoder is a class because `MessageToByteEncoder.encode` is not mutating and the
/// encoder must remember that the preface went out; like every channel handler it is used
/// on its channel's event loop only.
public final class FrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = ByteBuffer

    /// The largest payload this encoder writes, in bytes.
    public let maximumFrameLength: UInt32
    private var pendingPreface: Preface?

    /// Creates a frame encoder.
    /// - Parameters:
    ///   - maximumFrameLength: The largest payload written; a larger one fails its write with
    ///     ``FrameError/frameTooLarge(length:limit:)`` (the other side would refuse it anyway).
    ///     `MessageToByteHandler` fails every later write after an encoding error, so a server
    ///     compares an answer's size with this limit first and sends a small
    ///     ``ErrorCode/tooLarge`` reply in its place.
    ///   - preface: The preface to send before the first frame; `nil` on the accepting side.
    public init(maximumFrameLength: UInt32 = FrameDecoder.defaultMaximumFrameLength, preface: Preface? = nil) {
        self.maximumFrameLength = maximumFrameLength
        self.pendingPreface = preface
    }

    /// Appends the frame for `payload` (and the preface, before the first frame) to `out`.
    /// - Throws: ``FrameError/frameTooLarge(length:limit:)`` when `payload` is over the maximum.
    public func encode(data payload: ByteBuffer, out: inout ByteBuffer) throws {
        try FrameEncoder.checkLength(payload.readableBytes, limit: self.maximumFrameLength)
        if let preface = self.pendingPreface {
            preface.encode(into: &out)
            self.pendingPreface = nil
        }
        out.writeInteger(UInt32(payload.readableBytes), endianness: .big)
        out.writeImmutableBuffer(payload)
    }

    /// Appends one frame to `buffer`, for code that builds frames outside a pipeline.
    /// - Parameters:
    ///   - payload: The encoded message.
    ///   - buffer: Where the length prefix and payload go.
    ///   - maximumFrameLength: The largest payload allowed.
    /// - Throws: ``FrameError/frameTooLarge(length:limit:)``.
    public static func writeFrame(
        _ payload: ByteBuffer,
        into buffer: inout ByteBuffer,
        maximumFrameLength: UInt32 = FrameDecoder.defaultMaximumFrameLength
    ) throws(FrameError) {
        try checkLength(payload.readableBytes, limit: maximumFrameLength)
        buffer.writeInteger(UInt32(payload.readableBytes), endianness: .big)
        buffer.writeImmutableBuffer(payload)
    }

    private static func checkLength(_ length: Int, limit: UInt32) throws(FrameError) {
        guard length <= Int(limit) else {
            throw .frameTooLarge(length: UInt32(clamping: length), limit: limit)
        }
    }
}
