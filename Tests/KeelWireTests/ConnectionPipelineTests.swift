import NIOCore
import NIOEmbedded
import XCTest

@testable import KeelWire

/// Both ends of a connection as the server and client will build them, joined by copying
/// bytes between two embedded channels.
final class ConnectionPipelineTests: XCTestCase {
    private var client: EmbeddedChannel!
    private var server: EmbeddedChannel!

    override func setUpWithError() throws {
        self.client = EmbeddedChannel()
        try self.client.pipeline.syncOperations.addHandlers(
            ByteToMessageHandler(FrameDecoder()),
            MessageToByteHandler(FrameEncoder(preface: Preface(kind: .client)))
        )
        self.server = EmbeddedChannel()
        try self.server.pipeline.syncOperations.addHandlers(
            ByteToMessageHandler(PrefacedFrameDecoder()),
            MessageToByteHandler(FrameEncoder())
        )
    }

    override func tearDownWithError() throws {
        XCTAssertTrue(try self.client.finish().isClean)
        XCTAssertTrue(try self.server.finish().isClean)
        self.client = nil
        self.server = nil
    }

    private func send<Message: WireMessage>(_ message: Message, on channel: EmbeddedChannel) throws {
        var payload = channel.allocator.buffer(capacity: 64)
        message.encode(into: &payload)
        try channel.writeOutbound(payload)
    }

    /// Copies what each side wrote into the other side's inbound.
    private func deliver() throws {
        while let bytes = try self.client.readOutbound(as: ByteBuffer.self) {
            try self.server.writeInbound(bytes)
        }
        while let bytes = try self.server.readOutbound(as: ByteBuffer.self) {
            try self.client.writeInbound(bytes)
        }
    }

    private func serverReceivesFrame() throws -> ByteBuffer {
        guard case .frame(let payload) = try self.server.readInbound(as: PrefacedFrameDecoder.Inbound.self) else {
            throw FrameError.truncated(receivedBytes: 0)
        }
        return payload
    }

    private func handshake(clusterID: String, serverClusterID: String) throws -> HelloReply {
        try self.send(Hello(clusterID: clusterID, softwareVersion: "test"), on: self.client)
        try self.deliver()
        XCTAssertEqual(try self.server.readInbound(as: PrefacedFrameDecoder.Inbound.self), .preface(Preface(kind: .client)))
        let hello = try Hello(decoding: try self.serverReceivesFrame())
        XCTAssertEqual(hello, Hello(clusterID: clusterID, nodeID: 0, softwareVersion: "test"))
        let reply: HelloReply =
            hello.clusterID == serverClusterID
            ? .accepted(HelloAck(clusterID: serverClusterID, nodeID: 2))
            : .rejected(ErrorReply(code: .wrongCluster, message: "this node serves \(serverClusterID)"))
        try self.send(reply, on: self.server)
        try self.deliver()
        return try HelloReply(decoding: try XCTUnwrap(self.client.readInbound(as: ByteBuffer.self)))
    }

    func testHandshakeThenPipelinedRequestsAnsweredOutOfOrder() throws {
        XCTAssertEqual(
            try self.handshake(clusterID: "feeds", serverClusterID: "feeds"),
            .accepted(HelloAck(clusterID: "feeds", nodeID: 2))
        )

        let requests = [
            ClientRequest(id: 1, operation: .get(key: [1], consistency: .linearizable)),
            ClientRequest(id: 2, session: WriteSession(clientID: 5, sequence: 1),
                          operation: .write(.put(key: [2], value: [22]))),
            ClientRequest(id: 3, operation: .scan(prefix: [], startAfter: nil, limit: 10, consistency: .stale)),
        ]
        for request in requests {
            try self.send(request, on: self.client)
        }
        try self.deliver()

        var received: [ClientRequest] = []
        for _ in requests {
            received.append(try ClientRequest(decoding: try self.serverReceivesFrame()))
        }
        XCTAssertEqual(received, requests)

        // The server answers the cheapest first; the client matches answers by id.
        let answers = [
            ClientResponse(id: 3, result: .scan(entries: [KeyValue(key: [2], value: [22])], more: false, appliedIndex: 4)),
            ClientResponse(id: 1, result: .get(value: nil, appliedIndex: 4)),
            ClientResponse(id: 2, result: .put(appliedIndex: 5)),
        ]
        for answer in answers {
            try self.send(answer, on: self.server)
        }
        try self.deliver()

        var answered: [UInt64: ClientResult] = [:]
        while let payload = try self.client.readInbound(as: ByteBuffer.self) {
            let response = try ClientResponse(decoding: payload)
            XCTAssertNil(answered.updateValue(response.result, forKey: response.id), "two answers for \(response.id)")
        }
        XCTAssertEqual(Set(answered.keys), Set(requests.map(\.id)))
        XCTAssertEqual(answered[2], .put(appliedIndex: 5))
    }

    func testWrongClusterIsRefused() throws {
        let reply = try self.handshake(clusterID: "other", serverClusterID: "feeds")
        guard case .rejected(let error) = reply else {
            return XCTFail("expected a rejection, got \(reply)")
        }
        XCTAssertEqual(error.code, .wrongCluster)
    }

    func testUnknownOperationCanBeAnsweredOnItsID() throws {
        _ = try self.handshake(clusterID: "feeds", serverClusterID: "feeds")
        // A newer client's operation (field 99, not in the schema), sent as a raw payload.
        try self.client.writeOutbound(ByteBuffer(bytes: [0x08, 0x11, 0x9A, 0x06, 0x00]))
        try self.deliver()
        let request = try ClientRequest(decoding: try self.serverReceivesFrame())
        XCTAssertEqual(request.operation, .unknown)
        try self.send(ClientResponse(id: request.id, result: .error(ErrorReply(code: .unknownCommand))), on: self.server)
        try self.deliver()
        let response = try ClientResponse(decoding: try XCTUnwrap(self.client.readInbound(as: ByteBuffer.self)))
        XCTAssertEqual(response, ClientResponse(id: 0x11, result: .error(ErrorReply(code: .unknownCommand))))
    }
}
