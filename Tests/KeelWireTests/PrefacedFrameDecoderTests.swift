import NIOCore
import NIOEmbedded
import XCTest

@testable import KeelWire

final class PrefacedFrameDecoderTests: XCTestCase {
    private typealias Inbound = PrefacedFrameDecoder.Inbound

    private let payloads: [[UInt8]] = [
        Hello(clusterID: "c1", softwareVersion: "0.1.0").serialized(),
        [],
        ClientRequest(id: 9, operation: .get(key: [1], consistency: .stale)).serialized(),
        Array(repeating: 0x5A, count: 5_000),
    ]

    private var connectionBytes: [UInt8] {
        var bytes = Preface(kind: .client).serialized()
        for payload in self.payloads {
            bytes += withUnsafeBytes(of: UInt32(payload.count).bigEndian, Array.init) + payload
        }
        return bytes
    }

    private var expected: [Inbound] {
        [.preface(Preface(kind: .client))] + self.payloads.map { .frame(ByteBuffer(bytes: $0)) }
    }

    private func decode(chunks: [ArraySlice<UInt8>]) throws -> [Inbound] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PrefacedFrameDecoder()))
        var items: [Inbound] = []
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(bytes: chunk))
            while let item = try channel.readInbound(as: Inbound.self) {
                items.append(item)
            }
        }
        XCTAssertTrue(try channel.finish().isClean)
        return items
    }

    func testWholeInput() throws {
        XCTAssertEqual(try self.decode(chunks: [self.connectionBytes[...]]), self.expected)
    }

    func testByteByByte() throws {
        let chunks = self.connectionBytes.indices.map { self.connectionBytes[$0...$0] }
        XCTAssertEqual(try self.decode(chunks: chunks), self.expected)
    }

    func testSeededRandomSplits() throws {
        let bytes = self.connectionBytes
        for seed in UInt64(0)..<200 {
            var random = SplitMix64(seed: seed)
            var chunks: [ArraySlice<UInt8>] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 1...64, using: &random))
                chunks.append(bytes[start..<end])
                start = end
            }
            XCTAssertEqual(try self.decode(chunks: chunks), self.expected, "seed \(seed)")
        }
    }

    func testHTTPRequestIsRefusedAtTheFirstByte() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PrefacedFrameDecoder()))
        XCTAssertThrowsError(try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))) {
            XCTAssertEqual($0 as? PrefaceError, .wrongMagic(Array("GET ".utf8)))
        }
        XCTAssertNil(try channel.readInbound(as: Inbound.self))
        _ = try? channel.finish()
    }

    func testWrongVersionIsRefusedBeforeAnyFrame() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PrefacedFrameDecoder()))
        var bytes = ByteBuffer()
        Preface(version: 2, kind: .peer).encode(into: &bytes)
        bytes.writeInteger(UInt32(1), endianness: .big)
        bytes.writeInteger(UInt8(0))
        XCTAssertThrowsError(try channel.writeInbound(bytes)) {
            XCTAssertEqual($0 as? PrefaceError, .unsupportedVersion(2))
        }
        XCTAssertNil(try channel.readInbound(as: Inbound.self))
        _ = try? channel.finish()
    }

    func testTruncatedPrefaceAtEOF() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PrefacedFrameDecoder()))
        try channel.writeInbound(ByteBuffer(string: "KEE"))
        XCTAssertThrowsError(try channel.finish()) {
            XCTAssertEqual($0 as? PrefaceError, .truncated(length: 3))
        }
    }

    func testOversizeFrameAfterPreface() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PrefacedFrameDecoder(maximumFrameLength: 100)))
        var bytes = ByteBuffer()
        Preface(kind: .admin).encode(into: &bytes)
        bytes.writeInteger(UInt32.max, endianness: .big)
        XCTAssertThrowsError(try channel.writeInbound(bytes)) {
            XCTAssertEqual($0 as? FrameError, .frameTooLarge(length: .max, limit: 100))
        }
        XCTAssertEqual(try channel.readInbound(as: Inbound.self), .preface(Preface(kind: .admin)))
        XCTAssertNil(try channel.readInbound(as: Inbound.self))
        _ = try? channel.finish()
    }

    func testTruncatedFrameAfterPrefaceAtEOF() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PrefacedFrameDecoder()))
        var bytes = ByteBuffer()
        Preface(kind: .client).encode(into: &bytes)
        bytes.writeBytes([0, 0, 0, 5, 1, 2])
        try channel.writeInbound(bytes)
        XCTAssertEqual(try channel.readInbound(as: Inbound.self), .preface(Preface(kind: .client)))
        XCTAssertThrowsError(try channel.finish()) {
            XCTAssertEqual($0 as? FrameError, .truncated(receivedBytes: 6))
        }
    }
}
