import KeelRaft
import KeelWire
import XCTest

@testable import KeelServer

final class MessageConversionTests: XCTestCase {
    func testEveryKindAndFieldSurvivesTheWireAndBack() throws {
        for kind in Message.Kind.allCases {
            let message = Message(
                kind: kind, from: 1, to: 2, term: 9, logTerm: 8, index: 77,
                entries: [
                    Entry(term: 8, index: 78, kind: .normal, data: [1, 2, 3]),
                    Entry(term: 9, index: 79, kind: .noop),
                    Entry(term: 9, index: 80, kind: .configurationChange, data: [0xFF]),
                ],
                commit: 76, reject: true, conflictTerm: 7, conflictIndex: 70, context: .max,
                snapshot: SnapshotMetadata(index: 60, term: 6, membership: Membership(voters: [1, 2], learners: [3])),
                isLeadershipTransfer: true
            )
            let bytes = PeerFrame.messages([message.wireMessage]).serialized()
            guard case .messages(let decoded) = try PeerFrame(serialized: bytes) else { return XCTFail("not messages") }
            XCTAssertEqual(try Message(wire: XCTUnwrap(decoded.first)), message)
        }
    }

    func testDefaultsStayDefaults() throws {
        let message = Message(kind: .heartbeat, from: 3, to: 1, term: 2)
        XCTAssertEqual(try Message(wire: message.wireMessage), message)
        XCTAssertNil(message.wireMessage.snapshot)
    }

    func testUnknownEntryKindIsRefused() {
        let wire = PeerMessage(kind: .append, from: 1, to: 2, term: 1, entries: [PeerEntry(term: 1, index: 1, kind: 200, data: [])])
        XCTAssertThrowsError(try Message(wire: wire)) { error in
            XCTAssertEqual(error as? PeerMessageError, .unknownEntryKind(200))
        }
    }

    func testCRC32CMatchesTheStandardCheckValue() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
    }

    func testHostAndPortParsing() {
        XCTAssertEqual(HostAndPort("127.0.0.1:7101"), HostAndPort("127.0.0.1:7101"))
        XCTAssertEqual(HostAndPort("127.0.0.1:7101")?.port, 7101)
        XCTAssertEqual(HostAndPort("[::1]:80")?.host, "::1")
        XCTAssertNil(HostAndPort("no-port"))
        XCTAssertNil(HostAndPort(":80"))
        XCTAssertNil(HostAndPort("host:99999"))
    }
}
