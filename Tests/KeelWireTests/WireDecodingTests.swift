import NIOCore
import XCTest

@testable import KeelWire

/// Payloads written byte by byte from the protobuf encoding rules, to check what a newer (or
/// broken) peer may send: unknown fields, unset choices, impossible values.
final class WireDecodingTests: XCTestCase {
    func testUnknownOperationFieldDecodesAsUnknown() throws {
        // id = 42, then field 99 (not in the schema), length-delimited, 3 bytes.
        let request = try ClientRequest(serialized: [0x08, 0x2A, 0x9A, 0x06, 0x03, 0x01, 0x02, 0x03])
        XCTAssertEqual(request, ClientRequest(id: 42, operation: .unknown))

        // id = 43, then field 29 (not in the schema) as a varint.
        let varintOp = try ClientRequest(serialized: [0x08, 0x2B, 0xE8, 0x01, 0x05])
        XCTAssertEqual(varintOp, ClientRequest(id: 43, operation: .unknown))
    }

    func testUnsetOperationDecodesAsUnknown() throws {
        let request = try ClientRequest(serialized: [0x08, 0x01, 0x10, 0x64])
        XCTAssertEqual(request, ClientRequest(id: 1, timeoutMilliseconds: 100, operation: .unknown))
    }

    func testUnknownEnvelopeFieldIsSkipped() throws {
        // id = 7, field 9 varint 1 (unknown to this build), then put{key: "k", value: "v"}.
        let request = try ClientRequest(
            serialized: [0x08, 0x07, 0x48, 0x01, 0x5A, 0x06, 0x0A, 0x01, 0x6B, 0x12, 0x01, 0x76]
        )
        XCTAssertEqual(request, ClientRequest(id: 7, operation: .write(.put(key: [0x6B], value: [0x76]))))
    }

    func testUnknownResultDecodesAsUnknown() throws {
        // id = 9, field 99 (not in the schema), length 0.
        let response = try ClientResponse(serialized: [0x08, 0x09, 0x9A, 0x06, 0x00])
        XCTAssertEqual(response, ClientResponse(id: 9, result: .unknown))
    }

    func testUnknownConsistencyIsAnInvalidFieldOfThatRequest() {
        // Request{id: 5, get: {key: "k", consistency: 9}}.
        XCTAssertThrowsError(try ClientRequest(serialized: [0x08, 0x05, 0x52, 0x05, 0x0A, 0x01, 0x6B, 0x10, 0x09])) {
            XCTAssertEqual(
                $0 as? WireDecodingError,
                .invalidField(messageType: "keel.Request", field: "get.consistency",
                              reason: "unknown consistency 9", requestID: 5)
            )
            XCTAssertEqual(($0 as? WireDecodingError)?.requestID, 5)
        }
    }

    func testUnknownConsistencyOfAMultiGetIsAnInvalidFieldOfThatRequest() {
        // Request{id: 6, get_many: {keys: ["k"], consistency: 9}}.
        XCTAssertThrowsError(try ClientRequest(serialized: [0x08, 0x06, 0x8A, 0x01, 0x05, 0x0A, 0x01, 0x6B, 0x10, 0x09])) {
            XCTAssertEqual(
                $0 as? WireDecodingError,
                .invalidField(messageType: "keel.Request", field: "get_many.consistency",
                              reason: "unknown consistency 9", requestID: 6)
            )
        }
        // The same request with consistency 2 (stale) reads.
        XCTAssertEqual(
            try ClientRequest(serialized: [0x08, 0x06, 0x8A, 0x01, 0x05, 0x0A, 0x01, 0x6B, 0x10, 0x02]),
            ClientRequest(id: 6, operation: .getMany(keys: [[0x6B]], consistency: .stale))
        )
    }

    func testCompareAndSetWithoutConditionIsInvalid() {
        // Request{id: 6, compare_and_set: {key: "k"}}.
        XCTAssertThrowsError(try ClientRequest(serialized: [0x08, 0x06, 0x6A, 0x03, 0x0A, 0x01, 0x6B])) {
            guard case .invalidField(_, let field, _, let requestID) = $0 as? WireDecodingError else {
                return XCTFail("unexpected \($0)")
            }
            XCTAssertEqual(field, "compare_and_set.expected")
            XCTAssertEqual(requestID, 6)
        }
        // Request{id: 6, compare_and_set: {key: "k", expected_absent: {}}}: no replacement.
        XCTAssertThrowsError(
            try ClientRequest(serialized: [0x08, 0x06, 0x6A, 0x05, 0x0A, 0x01, 0x6B, 0x1A, 0x00])
        ) {
            guard case .invalidField(_, let field, _, 6) = $0 as? WireDecodingError else {
                return XCTFail("unexpected \($0)")
            }
            XCTAssertEqual(field, "compare_and_set.replacement")
        }
    }

    func testBatchWithUnsetOrUnknownStepIsInvalid() {
        // Request{id: 8, batch: {ops: [{}]}}.
        XCTAssertThrowsError(try ClientRequest(serialized: [0x08, 0x08, 0x7A, 0x02, 0x0A, 0x00])) {
            guard case .invalidField(_, "batch.ops", _, 8) = $0 as? WireDecodingError else {
                return XCTFail("unexpected \($0)")
            }
        }
        // Request{id: 8, batch: {ops: [{field 9: {}}]}}.
        XCTAssertThrowsError(try ClientRequest(serialized: [0x08, 0x08, 0x7A, 0x04, 0x0A, 0x02, 0x4A, 0x00])) {
            guard case .invalidField(_, "batch.ops", _, 8) = $0 as? WireDecodingError else {
                return XCTFail("unexpected \($0)")
            }
        }
    }

    func testInvalidUTF8StringIsRejected() {
        // Hello{cluster_id: C3 28} (a lead byte followed by a non-continuation byte).
        XCTAssertThrowsError(try Hello(serialized: [0x0A, 0x02, 0xC3, 0x28])) {
            XCTAssertNotNil($0 as? WireDecodingError)
        }
    }

    func testMalformedPayloadsAreUnparsable() {
        let cases: [(String, [UInt8])] = [
            ("truncated put", [0x08, 0x01, 0x5A, 0x06, 0x0A, 0x01, 0x6B, 0x12, 0x01]),
            ("length claims 2^63 bytes", [0x5A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
            ("varint that never ends", [0x08] + [UInt8](repeating: 0xFF, count: 11)),
            ("id sent as bytes", [0x0A, 0x01, 0x00]),
            ("wire type 7", [0x0F]),
            ("field number 0", [0x00, 0x01]),
        ]
        for (name, bytes) in cases {
            XCTAssertThrowsError(try ClientRequest(serialized: bytes), name) {
                XCTAssertEqual(
                    $0 as? WireDecodingError,
                    .unparsable(messageType: "keel.Request", byteCount: bytes.count),
                    name
                )
                XCTAssertNil(($0 as? WireDecodingError)?.requestID, name)
            }
        }
    }

    func testHelloReplyWithMissingChoiceIsInvalid() {
        XCTAssertThrowsError(try HelloReply(serialized: [0x1A, 0x00])) {
            guard case .invalidField("keel.HelloReply", "result", _, nil) = $0 as? WireDecodingError else {
                return XCTFail("unexpected \($0)")
            }
        }
    }
}
