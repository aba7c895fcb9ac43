import XCTest

@testable import KeelWire

/// What the round-trip samples cannot show about the sorted-set messages: exact bytes, which
/// operations write, and how impossible enum values are reported.
final class SortedSetWireTests: XCTestCase {
    func testFanoutEncodingIsStandardProtobufWithALittleEndianDouble() {
        // Request{id: 1, sorted_set_add_to_many (field 41): {sets: ["a"], member: "m", score: 1.0}}:
        // field 41 length-delimited is the varint 330 (CA 02); a double is fixed64, little-endian.
        let request = ClientRequest(
            id: 1,
            operation: .sortedSet(.addToMany(sets: [[0x61]], member: [0x6D], score: 1.0, mode: .upsert, maxLength: nil))
        )
        XCTAssertEqual(
            request.serialized(),
            [0x08, 0x01, 0xCA, 0x02, 0x0F, 0x0A, 0x01, 0x61, 0x12, 0x01, 0x6D, 0x19, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F]
        )
    }

    func testAMaximumLengthOfZeroIsSentAndDistinctFromNone() throws {
        let withZero = ClientRequest(id: 2, operation: .sortedSet(.add(set: [1], members: [], mode: .upsert, maxLength: 0)))
        let withNone = ClientRequest(id: 2, operation: .sortedSet(.add(set: [1], members: [], mode: .upsert, maxLength: nil)))
        XCTAssertNotEqual(withZero.serialized(), withNone.serialized())
        XCTAssertEqual(try ClientRequest(serialized: withZero.serialized()), withZero)
        XCTAssertEqual(try ClientRequest(serialized: withNone.serialized()), withNone)
    }

    func testNaNScoresCrossTheWireBitForBitAndNegativeZeroAsZero() throws {
        let payload = Double(bitPattern: 0x7FF8_0000_0000_0042)
        for score in [payload, -Double.infinity, -Double.leastNonzeroMagnitude] {
            let request = ClientRequest(
                id: 3, operation: .sortedSet(.addToMany(sets: [[1]], member: [2], score: score, mode: .upsert, maxLength: nil))
            )
            guard case .sortedSet(.addToMany(_, _, let decoded, _, _)) = try ClientRequest(serialized: request.serialized()).operation else {
                return XCTFail("not an add-to-many")
            }
            XCTAssertEqual(decoded.bitPattern, score.bitPattern)
        }
        // protobuf-c leaves out a proto3 double equal to zero, whatever its sign. A node stores
        // -0.0 as +0.0 anyway, so nothing is lost.
        let negativeZero = ClientResponse(id: 4, result: .sortedSet(.score(-0.0, appliedIndex: 1)))
        XCTAssertEqual(
            try ClientResponse(serialized: negativeZero.serialized()),
            ClientResponse(id: 4, result: .sortedSet(.score(0.0, appliedIndex: 1)))
        )
    }

    func testWritesAndReadsAreToldApart() {
        let writes: [SortedSetOperation] = [
            .add(set: [1], members: [], mode: .upsert, maxLength: nil),
            .addToMany(sets: [], member: [], score: 0, mode: .upsert, maxLength: nil),
            .remove(set: [1], members: []), .removeFromMany(sets: [], member: []), .delete(set: [1]),
            .trim(set: [1], maxLength: 1), .removeByScore(set: [1], minimum: 0, maximum: 1),
            .addEntries(set: [1], entries: [], maxLength: nil),
            .addEntryToMany(sets: [], entry: SortedSetMember(member: [], score: 0), maxLength: nil),
            .removeEntries(set: [1], entries: []),
            .removeEntryFromMany(sets: [], entry: SortedSetMember(member: [], score: 0)),
        ]
        for write in writes {
            XCTAssertTrue(write.isWrite, "\(write)")
            XCTAssertNil(write.consistency)
            XCTAssertTrue(ClientOperation.sortedSet(write).isWrite)
            XCTAssertFalse(ClientOperation.sortedSet(write).isRead)
        }
        let reads: [SortedSetOperation] = [
            .score(set: [1], member: [2], consistency: .stale),
            .count(set: [1], consistency: .lease),
            .range(set: [1], order: .newestFirst, start: .beginning, limit: 1, consistency: .linearizable),
            .mergedRange(sets: [[1]], order: .oldestFirst, start: .beginning, limit: 1, consistency: .stale),
        ]
        for read in reads {
            XCTAssertFalse(read.isWrite, "\(read)")
            XCTAssertNotNil(read.consistency)
            XCTAssertFalse(ClientOperation.sortedSet(read).isWrite)
            XCTAssertTrue(ClientOperation.sortedSet(read).isRead)
        }
    }

    func testUnknownAddModeIsAnInvalidFieldOfThatRequest() {
        // Request{id: 5, sorted_set_add (field 40 = C2 02): {mode (field 3): 9}}.
        let bytes: [UInt8] = [0x08, 0x05, 0xC2, 0x02, 0x02, 0x18, 0x09]
        XCTAssertThrowsError(try ClientRequest(serialized: bytes)) { error in
            guard case .invalidField(_, let field, _, let requestID) = error as? WireDecodingError else {
                return XCTFail("expected invalidField, got \(error)")
            }
            XCTAssertEqual(field, "sorted_set_add.mode")
            XCTAssertEqual(requestID, 5)
        }
    }

    func testUnknownOrderIsAnInvalidFieldOfThatRequest() {
        // Request{id: 6, sorted_set_range (field 49 = 8A 03): {order (field 2): 7}}.
        let bytes: [UInt8] = [0x08, 0x06, 0x8A, 0x03, 0x02, 0x10, 0x07]
        XCTAssertThrowsError(try ClientRequest(serialized: bytes)) { error in
            guard case .invalidField(_, let field, _, let requestID) = error as? WireDecodingError else {
                return XCTFail("expected invalidField, got \(error)")
            }
            XCTAssertEqual(field, "sorted_set_range.order")
            XCTAssertEqual(requestID, 6)
        }
    }

    func testAPageWithoutCursorIsTheLastPage() throws {
        let last = ClientResponse(id: 1, result: .sortedSet(.page(SortedSetPage(members: [], nextCursor: nil, appliedIndex: 4))))
        let more = ClientResponse(
            id: 1,
            result: .sortedSet(.page(SortedSetPage(members: [], nextCursor: SortedSetCursor(score: 0, member: []), appliedIndex: 4)))
        )
        XCTAssertEqual(try ClientResponse(serialized: last.serialized()), last)
        XCTAssertEqual(try ClientResponse(serialized: more.serialized()), more)
        XCTAssertNotEqual(last.serialized(), more.serialized())
    }

    func testPagesOfEverySizeRoundTripThroughTheMessageArena() throws {
        // Members small and large (past a quarter of an arena block, and past a whole block),
        // in pages from empty to many blocks' worth, every byte value included.
        var generator = SplitMix64(seed: 11)
        for count in [0, 1, 30, 31, 700] {
            let members = (0..<count).map { index in
                let size = [0, 9, 300, 2_000][index % 4]
                return SortedSetMember(
                    member: generator.bytes(count: size),
                    score: Double(index) - 0.5
                )
            }
            let response = ClientResponse(
                id: UInt64(count + 1),
                result: .sortedSet(.page(SortedSetPage(
                    members: members, nextCursor: members.last.map { SortedSetCursor(score: $0.score, member: $0.member) }, appliedIndex: 9
                )))
            )
            XCTAssertEqual(try ClientResponse(serialized: response.serialized()), response, "a page of \(count)")
        }
    }
}
