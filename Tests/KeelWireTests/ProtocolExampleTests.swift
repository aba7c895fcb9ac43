import NIOCore
import NIOEmbedded
import XCTest

@testable import KeelWire

/// Keeps the worked example in docs/protocol.md (section 8) true: these are its bytes.
final class ProtocolExampleTests: XCTestCase {
    private func hex(_ text: String) -> [UInt8] {
        text.split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    private func bytesWritten(by encoder: FrameEncoder, _ messages: [any WireMessage]) throws -> [UInt8] {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(encoder))
        for message in messages {
            var payload = ByteBuffer()
            message.encode(into: &payload)
            try channel.writeOutbound(payload)
        }
        var bytes: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            bytes += buffer.readableBytesView
        }
        XCTAssertTrue(try channel.finish().isClean)
        return bytes
    }

    func testClientToNodeBytes() throws {
        let bytes = try self.bytesWritten(
            by: FrameEncoder(preface: Preface(kind: .client)),
            [
                Hello(clusterID: "feeds", softwareVersion: "0.1.0"),
                ClientRequest(id: 1, session: WriteSession(clientID: 7, sequence: 1),
                              operation: .write(.put(key: Array("k".utf8), value: Array("v".utf8)))),
            ]
        )
        XCTAssertEqual(
            bytes,
            self.hex("4B 45 45 4C 00 01 01 00")
                + self.hex("00 00 00 0E") + self.hex("0A 05 66 65 65 64 73 1A 05 30 2E 31 2E 30")
                + self.hex("00 00 00 10") + self.hex("08 01 1A 04 08 07 10 01 5A 06 0A 01 6B 12 01 76")
        )
    }

    func testNodeToClientBytes() throws {
        let bytes = try self.bytesWritten(
            by: FrameEncoder(),
            [
                HelloReply.accepted(HelloAck(clusterID: "feeds", nodeID: 2)),
                ClientResponse(id: 1, result: .put(appliedIndex: 42)),
            ]
        )
        XCTAssertEqual(
            bytes,
            self.hex("00 00 00 0B") + self.hex("0A 09 0A 05 66 65 65 64 73 10 02")
                + self.hex("00 00 00 06") + self.hex("08 01 5A 02 08 2A")
        )
    }
}
