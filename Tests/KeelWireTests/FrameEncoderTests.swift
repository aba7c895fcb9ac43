import NIOCore
import NIOEmbedded
import XCTest

@testable import KeelWire

final class FrameEncoderTests: XCTestCase {
    func testPrefaceGoesOutOnceInFrontOfTheFirstFrame() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(FrameEncoder(preface: Preface(kind: .peer))))
        try channel.writeOutbound(ByteBuffer(bytes: [9, 8]))
        try channel.writeOutbound(ByteBuffer())
        XCTAssertEqual(
            try channel.readOutbound(as: ByteBuffer.self),
            ByteBuffer(bytes: Preface(kind: .peer).serialized() + [0, 0, 0, 2, 9, 8])
        )
        XCTAssertEqual(try channel.readOutbound(as: ByteBuffer.self), ByteBuffer(bytes: [0, 0, 0, 0]))
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testWithoutPrefaceOnlyFramesGoOut() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(FrameEncoder()))
        try channel.writeOutbound(ByteBuffer(bytes: [1]))
        XCTAssertEqual(try channel.readOutbound(as: ByteBuffer.self), ByteBuffer(bytes: [0, 0, 0, 1, 1]))
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testOversizePayloadFailsTheWriteAndSendsNothing() throws {
        let channel = EmbeddedChannel(
            handler: MessageToByteHandler(FrameEncoder(maximumFrameLength: 4, preface: Preface(kind: .client)))
        )
        XCTAssertThrowsError(try channel.writeOutbound(ByteBuffer(bytes: [1, 2, 3, 4, 5]))) {
            XCTAssertEqual($0 as? FrameError, .frameTooLarge(length: 5, limit: 4))
        }
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))
        _ = try? channel.finish()
    }

    func testWriteFrameOutsideAPipeline() throws {
        var buffer = ByteBuffer()
        try FrameEncoder.writeFrame(ByteBuffer(bytes: [7, 7, 7]), into: &buffer)
        XCTAssertEqual(buffer, ByteBuffer(bytes: [0, 0, 0, 3, 7, 7, 7]))
        XCTAssertThrowsError(try FrameEncoder.writeFrame(ByteBuffer(bytes: [1, 2]), into: &buffer, maximumFrameLength: 1)) {
            XCTAssertEqual($0 as? FrameError, .frameTooLarge(length: 2, limit: 1))
        }
        XCTAssertEqual(buffer.readableBytes, 7)
    }

    func testEncoderOutputDecodesBack() throws {
        let encoder = EmbeddedChannel(handler: MessageToByteHandler(FrameEncoder(preface: Preface(kind: .admin))))
        let decoder = EmbeddedChannel(handler: ByteToMessageHandler(PrefacedFrameDecoder()))
        let payloads = MessageSamples.requests.map { ByteBuffer(bytes: $0.serialized()) }
        for payload in payloads {
            try encoder.writeOutbound(payload)
        }
        while let bytes = try encoder.readOutbound(as: ByteBuffer.self) {
            try decoder.writeInbound(bytes)
        }
        XCTAssertEqual(try decoder.readInbound(as: PrefacedFrameDecoder.Inbound.self), .preface(Preface(kind: .admin)))
        for (payload, request) in zip(payloads, MessageSamples.requests) {
            guard case .frame(let frame) = try decoder.readInbound(as: PrefacedFrameDecoder.Inbound.self) else {
                return XCTFail("missing frame for request \(request.id)")
            }
            XCTAssertEqual(frame, payload)
            XCTAssertEqual(try ClientRequest(decoding: frame), request)
        }
        XCTAssertNil(try decoder.readInbound(as: PrefacedFrameDecoder.Inbound.self))
        XCTAssertTrue(try encoder.finish().isClean)
        XCTAssertTrue(try decoder.finish().isClean)
    }
}
