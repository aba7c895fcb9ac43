import NIOCore
import XCTest

@testable import KeelWire

final class MessageRoundTripTests: XCTestCase {
    /// Encodes through both entry points and decodes through both, checking they agree.
    private func assertRoundTrips<Message: WireMessage>(
        _ messages: [Message],
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        XCTAssertFalse(messages.isEmpty, file: file, line: line)
        for message in messages {
            let bytes = message.serialized()
            XCTAssertEqual(try Message(serialized: bytes), message, file: file, line: line)

            // encode(into:) appends after what the buffer already holds.
            var buffer = ByteBuffer(bytes: [0xAA, 0xBB])
            message.encode(into: &buffer)
            XCTAssertEqual(buffer.readBytes(length: 2), [0xAA, 0xBB], file: file, line: line)
            XCTAssertEqual(Array(buffer.readableBytesView), bytes, file: file, line: line)
            XCTAssertEqual(try Message(decoding: buffer), message, file: file, line: line)
        }
    }

    func testHelloRoundTrips() throws {
        try self.assertRoundTrips(MessageSamples.hellos)
    }

    func testHelloAckRoundTrips() throws {
        try self.assertRoundTrips(MessageSamples.helloAcks)
    }

    func testHelloReplyRoundTripsBothOutcomes() throws {
        try self.assertRoundTrips(MessageSamples.helloReplies)
    }

    func testErrorReplyRoundTripsEveryCodeAndUnknownOnes() throws {
        try self.assertRoundTrips(MessageSamples.errorReplies)
        let fromNewerNode = try ErrorReply(serialized: ErrorReply(code: ErrorCode(rawValue: 4242)).serialized())
        XCTAssertEqual(fromNewerNode.code.rawValue, 4242)
        XCTAssertEqual(fromNewerNode.code.description, "ERROR_CODE(4242)")
        XCTAssertEqual(ErrorCode.notLeader.description, "NOT_LEADER")
    }

    func testClientRequestRoundTripsEveryOperation() throws {
        try self.assertRoundTrips(MessageSamples.requests)
    }

    func testClientResponseRoundTripsEveryResult() throws {
        try self.assertRoundTrips(MessageSamples.responses)
    }

    func testEmptyValueIsNotAbsent() throws {
        let empty = try ClientResponse(serialized: ClientResponse(id: 1, result: .get(value: [], appliedIndex: 1)).serialized())
        let absent = try ClientResponse(serialized: ClientResponse(id: 1, result: .get(value: nil, appliedIndex: 1)).serialized())
        XCTAssertEqual(empty.result, .get(value: [], appliedIndex: 1))
        XCTAssertEqual(absent.result, .get(value: nil, appliedIndex: 1))
    }

    func testEncodingIsStandardProtobuf() throws {
        // Request{id: 1, put: PutRequest{key: "k", value: "v"}}, written out by hand from the
        // protobuf encoding rules: field 1 varint, field 11 length-delimited.
        let put = ClientRequest(id: 1, operation: .write(.put(key: [0x6B], value: [0x76])))
        XCTAssertEqual(put.serialized(), [0x08, 0x01, 0x5A, 0x06, 0x0A, 0x01, 0x6B, 0x12, 0x01, 0x76])

        // Hello{cluster_id: "c", node_id: 300, software_version: ""}: an empty proto3 string is
        // not written; 300 is the varint AC 02.
        XCTAssertEqual(
            Hello(clusterID: "c", nodeID: 300, softwareVersion: "").serialized(),
            [0x0A, 0x01, 0x63, 0x10, 0xAC, 0x02]
        )

        // Increment deltas are sint64 (zigzag): -1 encodes as 1.
        let increment = ClientRequest(id: 0, operation: .write(.increment(key: [], delta: -1)))
        XCTAssertEqual(increment.serialized(), [0x72, 0x02, 0x10, 0x01])
    }

    func testEmptyPayloadDecodesAsDefaultMessages() throws {
        XCTAssertEqual(try ClientRequest(serialized: []), ClientRequest(id: 0, operation: .unknown))
        XCTAssertEqual(try ClientResponse(serialized: []), ClientResponse(id: 0, result: .unknown))
        XCTAssertEqual(try Hello(serialized: []), Hello(clusterID: "", nodeID: 0, softwareVersion: ""))
        XCTAssertEqual(try HelloAck(serialized: []), HelloAck(clusterID: "", nodeID: 0))
        XCTAssertEqual(try ErrorReply(serialized: []), ErrorReply(code: .unspecified))
        XCTAssertThrowsError(try HelloReply(serialized: [])) { error in
            XCTAssertEqual(
                error as? WireDecodingError,
                .invalidField(messageType: "keel.HelloReply", field: "result",
                              reason: "neither ack nor error is set", requestID: nil)
            )
        }
    }

    func testMultiGetKeepsEmptyValuesApartFromAbsentOnes() throws {
        let result = ClientResult.getMany(values: [[], nil, [7], nil, []], appliedIndex: 3)
        let decoded = try ClientResponse(serialized: ClientResponse(id: 2, result: result).serialized())
        XCTAssertEqual(decoded.result, result)
    }

    func testOperationKindsAndKeys() {
        XCTAssertTrue(ClientOperation.write(.delete(key: [1])).isWrite)
        XCTAssertTrue(ClientOperation.batch([]).isWrite)
        XCTAssertFalse(ClientOperation.get(key: [1], consistency: .stale).isWrite)
        XCTAssertFalse(ClientOperation.scan(prefix: [], startAfter: nil, limit: 1, consistency: .lease).isWrite)
        XCTAssertFalse(ClientOperation.unknown.isWrite)
        XCTAssertFalse(ClientOperation.getMany(keys: [[1]], consistency: .linearizable).isWrite)
        XCTAssertTrue(ClientOperation.get(key: [1], consistency: .stale).isRead)
        XCTAssertTrue(ClientOperation.getMany(keys: [[1]], consistency: .linearizable).isRead)
        XCTAssertTrue(ClientOperation.scan(prefix: [], startAfter: nil, limit: 1, consistency: .lease).isRead)
        XCTAssertFalse(ClientOperation.write(.delete(key: [1])).isRead)
        XCTAssertFalse(ClientOperation.batch([]).isRead)
        XCTAssertFalse(ClientOperation.admin(.status).isRead, "admin requests are neither reads nor writes")
        XCTAssertFalse(ClientOperation.unknown.isRead)
        XCTAssertEqual(WriteOperation.compareAndSet(key: [4], expected: nil, newValue: nil).key, [4])
        XCTAssertEqual(WriteOperation.increment(key: [5], delta: 1).key, [5])
    }

    func testPeerFramesRoundTrip() throws {
        try self.assertRoundTrips(MessageSamples.peerFrames)
    }

    func testPeerRepliesRoundTrip() throws {
        try self.assertRoundTrips(MessageSamples.peerReplies)
    }

    func testAdminOperationsNeedTheLeaderOnlyForChanges() {
        XCTAssertFalse(AdminOperation.status.requiresLeader)
        XCTAssertFalse(AdminOperation.takeSnapshot.requiresLeader)
        XCTAssertTrue(AdminOperation.promote(nodeID: 2).requiresLeader)
        XCTAssertFalse(ClientOperation.admin(.remove(nodeID: 1)).isWrite)
    }

    func testUnknownPeerMessageKindIsAnInvalidField() throws {
        // A RaftMessage with kind 99: field 1, varint 99, inside PeerFrame.messages.messages.
        let raftMessage: [UInt8] = [0x08, 99]
        let peerMessages: [UInt8] = [0x0A, UInt8(raftMessage.count)] + raftMessage
        let frame: [UInt8] = [0x0A, UInt8(peerMessages.count)] + peerMessages
        XCTAssertThrowsError(try PeerFrame(serialized: frame)) { error in
            guard case .invalidField(_, let field, _, _) = error as? WireDecodingError else {
                return XCTFail("expected invalidField, got \(error)")
            }
            XCTAssertEqual(field, "kind")
        }
        XCTAssertThrowsError(try PeerFrame(serialized: [])) { error in
            XCTAssertNotNil(error as? WireDecodingError)
        }
    }
}
