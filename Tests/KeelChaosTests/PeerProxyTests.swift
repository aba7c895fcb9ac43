import KeelWire
import NIOCore
import NIOPosix
import Synchronization
import XCTest

@testable import KeelChaos

/// The peer proxy against a fake node: it must rewrite the sender's advertised address, relay
/// both ways, close a link's connections when it is cut, refuse new ones until it heals.
final class PeerProxyTests: XCTestCase {
    private var group: MultiThreadedEventLoopGroup!
    private var proxy: PeerProxy!
    private var fakeNode: FakePeerPort!

    override func setUp() async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        proxy = PeerProxy(group: group)
        fakeNode = try await FakePeerPort.start(group: group)
    }

    override func tearDown() async throws {
        await proxy.shutdown()
        try await fakeNode.close()
        try await group.shutdownGracefully()
    }

    func testRewritesTheHelloAndRelaysBothWays() async throws {
        let senderIngress = try await proxy.addNode(1, peerHost: "127.0.0.1", peerPort: 1)
        let targetIngress = try await proxy.addNode(2, peerHost: "127.0.0.1", peerPort: fakeNode.port)
        let connection = try await PeerConnection.open(to: targetIngress, group: group)
        try await connection.send(Self.opening(from: 1) + Array("raft traffic".utf8))

        let received = try await waitFor("the fake node to receive everything") {
            let bytes = self.fakeNode.received
            return bytes.count >= Preface.encodedLength + 4 ? bytes : nil
        }
        var buffer = ByteBuffer(bytes: received)
        let preface = try Preface(parsing: buffer.readBytes(length: Preface.encodedLength)!)
        XCTAssertEqual(preface.kind, .peer)
        let length = Int(buffer.readInteger(endianness: .big, as: UInt32.self)!)
        let hello = try Hello(decoding: buffer.readSlice(length: length)!)
        XCTAssertEqual(hello.nodeID, 1)
        XCTAssertEqual(hello.peerAddress, senderIngress, "the receiver must learn the sender's proxy address")
        XCTAssertEqual(hello.clientAddress, "127.0.0.1:7101")
        _ = try await waitFor("the traffic after the hello") {
            self.fakeNode.received.count == received.count - buffer.readableBytes + 12 ? true : nil
        }
        XCTAssertEqual(Array(fakeNode.received.suffix(12)), Array("raft traffic".utf8))

        fakeNode.sendToEveryConnection(Array("ack".utf8))
        _ = try await waitFor("the answer relayed back") { connection.received == Array("ack".utf8) ? true : nil }
        try await connection.close()
    }

    func testCutClosesAndRefusesUntilHealed() async throws {
        _ = try await proxy.addNode(1, peerHost: "127.0.0.1", peerPort: 1)
        let ingress = try await proxy.addNode(2, peerHost: "127.0.0.1", peerPort: fakeNode.port)
        let link = DirectedLink(from: 1, to: 2)
        let open = try await PeerConnection.open(to: ingress, group: group)
        try await open.send(Self.opening(from: 1))
        _ = try await waitFor("the connection to reach the node") { self.fakeNode.connections == 1 ? true : nil }

        proxy.cut(link)
        XCTAssertEqual(proxy.cutLinks, [link])
        _ = try await waitFor("the cut to close the open connection") { open.isClosed ? true : nil }

        let refused = try await PeerConnection.open(to: ingress, group: group)
        try? await refused.send(Self.opening(from: 1))
        _ = try await waitFor("the proxy to refuse the new connection") { refused.isClosed ? true : nil }
        XCTAssertEqual(fakeNode.connections, 1, "nothing reaches the node while the link is cut")

        // The other direction is a different link and stays open.
        _ = try await proxy.addNode(3, peerHost: "127.0.0.1", peerPort: 1)
        let other = try await PeerConnection.open(to: ingress, group: group)
        try await other.send(Self.opening(from: 3))
        _ = try await waitFor("another node's link to stay open") { self.fakeNode.connections == 2 ? true : nil }

        proxy.heal(link)
        XCTAssertTrue(proxy.cutLinks.isEmpty)
        let healed = try await PeerConnection.open(to: ingress, group: group)
        try await healed.send(Self.opening(from: 1))
        _ = try await waitFor("the healed link to reach the node") { self.fakeNode.connections == 3 ? true : nil }
        try await other.close()
        try await healed.close()
    }

    /// A peer connection's first bytes: the preface and node `id`'s hello.
    private static func opening(from id: UInt64) -> [UInt8] {
        let hello = Hello(
            clusterID: "test", nodeID: id, softwareVersion: "test", peerAddress: "127.0.0.1:9999", clientAddress: "127.0.0.1:7101"
        ).serialized()
        var buffer = ByteBuffer()
        Preface(kind: .peer).encode(into: &buffer)
        buffer.writeInteger(UInt32(hello.count), endianness: .big)
        buffer.writeBytes(hello)
        return Array(buffer.readableBytesView)
    }

    private func waitFor<Value>(_ what: String, timeout: Duration = .seconds(10), _ condition: () -> Value?) async throws -> Value {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = condition() { return value }
            guard ContinuousClock.now < deadline else {
                XCTFail("timed out waiting for \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Collects what arrives on a channel, and whether it closed.
private final class CollectingHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let bytes = Mutex<[UInt8]>([])

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        bytes.withLock { $0 += buffer.readableBytesView }
    }
}

/// A listening socket standing in for a node's peer port.
private final class FakePeerPort: Sendable {
    /// The accepted connections with what each received.
    private final class Accepted: Sendable {
        let list = Mutex<[(channel: any Channel, handler: CollectingHandler)]>([])
    }

    private let listener: any Channel
    private let accepted: Accepted

    private init(listener: any Channel, accepted: Accepted) {
        self.listener = listener
        self.accepted = accepted
    }

    static func start(group: any EventLoopGroup) async throws -> FakePeerPort {
        let accepted = Accepted()
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = CollectingHandler()
                    try channel.pipeline.syncOperations.addHandler(handler)
                    accepted.list.withLock { $0.append((channel, handler)) }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakePeerPort(listener: listener, accepted: accepted)
    }

    var port: Int { listener.localAddress?.port ?? 0 }
    var connections: Int { accepted.list.withLock { $0.count } }
    var received: [UInt8] { accepted.list.withLock { $0.flatMap { $0.handler.bytes.withLock { $0 } } } }

    func sendToEveryConnection(_ bytes: [UInt8]) {
        for connection in accepted.list.withLock({ $0 }) {
            connection.channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        }
    }

    func close() async throws {
        for connection in accepted.list.withLock({ $0 }) { try? await connection.channel.close() }
        try await listener.close()
    }
}

/// An outgoing connection to a proxy ingress port, like a node's peer link.
private final class PeerConnection: Sendable {
    private let channel: any Channel
    private let handler: CollectingHandler

    private init(channel: any Channel, handler: CollectingHandler) {
        self.channel = channel
        self.handler = handler
    }

    static func open(to address: String, group: any EventLoopGroup) async throws -> PeerConnection {
        let port = Int(address.split(separator: ":").last!)!
        let handler = CollectingHandler()
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return PeerConnection(channel: channel, handler: handler)
    }

    var received: [UInt8] { handler.bytes.withLock { $0 } }
    var isClosed: Bool { !channel.isActive }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    func close() async throws {
        try? await channel.close()
    }
}
