import NIOCore
import XCTest

@testable import KeelWire

final class PrefaceTests: XCTestCase {
    func testLayoutIsMagicVersionKindReserved() {
        XCTAssertEqual(Preface(kind: .client).serialized(), [0x4B, 0x45, 0x45, 0x4C, 0x00, 0x01, 0x01, 0x00])
        XCTAssertEqual(Preface(kind: .peer).serialized(), [0x4B, 0x45, 0x45, 0x4C, 0x00, 0x01, 0x02, 0x00])
        XCTAssertEqual(Preface(version: 0x0203, kind: .admin).serialized(), [0x4B, 0x45, 0x45, 0x4C, 0x02, 0x03, 0x03, 0x00])
        XCTAssertEqual(Preface(kind: .client).serialized().count, Preface.encodedLength)
    }

    func testEveryKindRoundTrips() throws {
        for kind in ConnectionKind.allCases {
            let preface = Preface(kind: kind)
            XCTAssertEqual(try Preface(parsing: preface.serialized()), preface)
        }
    }

    func testParseLeavesFollowingBytesAndMovesPastPreface() throws {
        var buffer = ByteBuffer(bytes: Preface(kind: .peer).serialized() + [1, 2, 3])
        XCTAssertEqual(try Preface.parse(from: &buffer), Preface(kind: .peer))
        XCTAssertEqual(Array(buffer.readableBytesView), [1, 2, 3])
    }

    func testPartialPrefaceWaitsWithoutConsuming() throws {
        let bytes = Preface(kind: .client).serialized()
        for length in 0..<Preface.encodedLength {
            var buffer = ByteBuffer(bytes: bytes.prefix(length))
            XCTAssertNil(try Preface.parse(from: &buffer), "length \(length)")
            XCTAssertEqual(buffer.readableBytes, length)
            XCTAssertThrowsError(try Preface(parsing: bytes.prefix(length))) {
                XCTAssertEqual($0 as? PrefaceError, .truncated(length: length))
            }
        }
    }

    func testWrongMagicIsRefusedAtTheFirstDifferentByte() {
        var http = ByteBuffer(string: "G")
        XCTAssertThrowsError(try Preface.parse(from: &http)) {
            XCTAssertEqual($0 as? PrefaceError, .wrongMagic([0x47]))
        }
        var almost = ByteBuffer(string: "KEEP")
        XCTAssertThrowsError(try Preface.parse(from: &almost)) {
            XCTAssertEqual($0 as? PrefaceError, .wrongMagic(Array("KEEP".utf8)))
        }
        XCTAssertThrowsError(try Preface(parsing: Array("GET / HTTP/1.1\r\n".utf8))) {
            XCTAssertEqual($0 as? PrefaceError, .wrongMagic(Array("GET ".utf8)))
        }
        XCTAssertThrowsError(try Preface(parsing: [0x6B, 0x65, 0x65, 0x6C, 0, 1, 1, 0])) {
            XCTAssertEqual($0 as? PrefaceError, .wrongMagic(Array("keel".utf8)))
        }
    }

    func testUnsupportedVersionsAreRefused() {
        for version: UInt16 in [0, 2, 0x0100, .max] {
            XCTAssertThrowsError(try Preface(parsing: Preface(version: version, kind: .client).serialized())) {
                XCTAssertEqual($0 as? PrefaceError, .unsupportedVersion(version))
            }
        }
    }

    func testUnknownKindAndReservedByteAreRefused() {
        for kind: UInt8 in [0, 4, 0xFF] {
            XCTAssertThrowsError(try Preface(parsing: Array("KEEL".utf8) + [0, 1, kind, 0])) {
                XCTAssertEqual($0 as? PrefaceError, .unknownConnectionKind(kind))
            }
        }
        XCTAssertThrowsError(try Preface(parsing: Array("KEEL".utf8) + [0, 1, 1, 7])) {
            XCTAssertEqual($0 as? PrefaceError, .nonZeroReservedByte(7))
        }
    }

    func testVersionIsCheckedBeforeKind() {
        // A future version may redefine the bytes after the version, so the version decides.
        XCTAssertThrowsError(try Preface(parsing: Array("KEEL".utf8) + [0, 9, 0xEE, 0xEE])) {
            XCTAssertEqual($0 as? PrefaceError, .unsupportedVersion(9))
        }
    }
}
