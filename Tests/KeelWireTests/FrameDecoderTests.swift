import NIOCore
import NIOEmbedded
import NIOTestUtils
import XCTest

@testable import KeelWire

final class FrameDecoderTests: XCTestCase {
    private func frame(_ payload: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(payload.count), endianness: .big)
        buffer.writeBytes(payload)
        return buffer
    }

    private func channel(limit: UInt32 = FrameDecoder.defaultMaximumFrameLength) -> EmbeddedChannel {
        EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameLength: limit)))
    }

    func testVerifierByteByByteWholeAndShuffled() throws {
        let payloads: [[UInt8]] = [
            [],
            [0x42],
            ClientRequest(id: 1, operation: .write(.put(key: [1], value: [2]))).serialized(),
            Array(repeating: 0xAB, count: 300),
            (0..<4_000).map { UInt8(truncatingIfNeeded: $0) },
        ]
        let pairs = payloads.map { (self.frame($0), [ByteBuffer(bytes: $0)]) }
        XCTAssertNoThrow(try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            FrameDecoder()
        })
    }

    func testVerifierWithSeveralFramesPerInput() throws {
        var twoFrames = self.frame([1, 2, 3])
        var second = self.frame([])
        twoFrames.writeBuffer(&second)
        let pairs = [(twoFrames, [ByteBuffer(bytes: [1, 2, 3]), ByteBuffer()])]
        XCTAssertNoThrow(try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            FrameDecoder(maximumFrameLength: 3)
        })
    }

    func testFramesComeOutInOrderAndFinishIsClean() throws {
        let channel = self.channel()
        var input = self.frame([1])
        var more = self.frame([2, 2])
        input.writeBuffer(&more)
        try channel.writeInbound(input)
        XCTAssertEqual(try channel.readInbound(as: ByteBuffer.self), ByteBuffer(bytes: [1]))
        XCTAssertEqual(try channel.readInbound(as: ByteBuffer.self), ByteBuffer(bytes: [2, 2]))
        XCTAssertNil(try channel.readInbound(as: ByteBuffer.self))
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testFrameAtTheLimitIsAcceptedAndOneMoreIsNot() throws {
        let accepting = self.channel(limit: 16)
        try accepting.writeInbound(self.frame(Array(repeating: 1, count: 16)))
        XCTAssertEqual(try accepting.readInbound(as: ByteBuffer.self)?.readableBytes, 16)
        XCTAssertTrue(try accepting.finish().isClean)

        let refusing = self.channel(limit: 16)
        XCTAssertThrowsError(try refusing.writeInbound(self.frame(Array(repeating: 1, count: 17)))) {
            XCTAssertEqual($0 as? FrameError, .frameTooLarge(length: 17, limit: 16))
        }
        XCTAssertNil(try refusing.readInbound(as: ByteBuffer.self))
        _ = try? refusing.finish()
    }

    func testFourGiBLengthFailsFromTheLengthBytesAlone() throws {
        let channel = self.channel()
        // Only the 4 length bytes arrive: the error must not wait for (or make room for) a body.
        XCTAssertThrowsError(try channel.writeInbound(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF]))) {
            XCTAssertEqual($0 as? FrameError, .frameTooLarge(length: .max, limit: 16 << 20))
        }
        // After the error the decoder reads nothing more.
        XCTAssertThrowsError(try channel.writeInbound(self.frame([1]))) {
            guard case .some(ByteToMessageDecoderError.dataReceivedInErrorState) = $0 as? ByteToMessageDecoderError else {
                return XCTFail("unexpected \($0)")
            }
        }
        XCTAssertNil(try channel.readInbound(as: ByteBuffer.self))
        _ = try? channel.finish()
    }

    func testOversizeLengthFailsOnTheFourthByteWhenDripFed() throws {
        let channel = self.channel(limit: 1024)
        for byte: UInt8 in [0x00, 0x00, 0x04] {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        XCTAssertThrowsError(try channel.writeInbound(ByteBuffer(bytes: [0x01]))) {
            XCTAssertEqual($0 as? FrameError, .frameTooLarge(length: 1025, limit: 1024))
        }
        _ = try? channel.finish()
    }

    func testTruncatedFrameAtEOFIsATypedError() throws {
        for cut in [1, 3, 4, 9] {
            let channel = self.channel()
            let whole = self.frame(Array(repeating: 7, count: 10))
            try channel.writeInbound(whole.getSlice(at: 0, length: cut)!)
            XCTAssertNil(try channel.readInbound(as: ByteBuffer.self))
            XCTAssertThrowsError(try channel.finish(), "cut at \(cut)") {
                XCTAssertEqual($0 as? FrameError, .truncated(receivedBytes: cut))
            }
        }
    }

    func testBufferLimitLeavesRoomForAMaximalFrame() throws {
        let limit: UInt32 = 1 << 10
        let channel = EmbeddedChannel(
            handler: ByteToMessageHandler(
                FrameDecoder(maximumFrameLength: limit),
                maximumBufferSize: FrameDecoder.bufferLimit(forFrameLimit: limit)
            )
        )
        let payload = Array(repeating: UInt8(3), count: Int(limit))
        try channel.writeInbound(self.frame(payload))
        XCTAssertEqual(try channel.readInbound(as: ByteBuffer.self), ByteBuffer(bytes: payload))
        XCTAssertTrue(try channel.finish().isClean)
    }
}
