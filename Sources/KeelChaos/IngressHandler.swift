import KeelWire
import NIOCore
import NIOPosix

/// The accepted side of one proxied peer connection: reads the preface and the sender's
/// `Hello` to learn the link, refuses it if the link is cut, otherwise connects to the real
/// peer port and relays (see ``PeerProxy``).
final class IngressHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private enum State {
        case awaitingHello(ByteBuffer)
        case connecting(DirectedLink, pending: ByteBuffer)
        case forwarding(DirectedLink, partner: any Channel, handle: Int)
        case closed
    }

    /// A peer `Hello` is a few hundred bytes; anything much longer before it is not a peer.
    private static let helloLimit = 64 * 1024

    private let proxy: PeerProxy
    private let target: UInt64
    private let targetHost: String
    private let targetPort: Int
    private var state = State.awaitingHello(ByteBuffer())

    init(proxy: PeerProxy, target: UInt64, targetHost: String, targetPort: Int) {
        self.proxy = proxy
        self.target = target
        self.targetHost = targetHost
        self.targetPort = targetPort
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        switch state {
        case .awaitingHello(var buffer):
            buffer.writeBuffer(&bytes)
            switch readHello(&buffer) {
            case .needMoreData where buffer.readableBytes <= Self.helloLimit:
                state = .awaitingHello(buffer)
            case .needMoreData, .invalid:
                refuse(context)
            case .hello(let sender, var rewritten):
                let link = DirectedLink(from: sender, to: target)
                if proxy.isCut(link) {
                    refuse(context)
                    return
                }
                rewritten.writeBuffer(&buffer)
                state = .connecting(link, pending: rewritten)
                connect(context: context, link: link)
            }
        case .connecting(let link, var pending):
            pending.writeBuffer(&bytes)
            state = .connecting(link, pending: pending)
        case .forwarding(_, let partner, _):
            partner.write(bytes, promise: nil)
        case .closed:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .forwarding(_, let partner, _) = state { partner.flush() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // Backpressure: stop reading the far side while this side cannot take more.
        if case .forwarding(_, let partner, _) = state {
            _ = partner.setOption(.autoRead, value: context.channel.isWritable)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .forwarding(let link, let partner, let handle) = state {
            partner.close(promise: nil)
            proxy.unregister(handle, of: link)
        }
        state = .closed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func refuse(_ context: ChannelHandlerContext) {
        state = .closed
        context.close(promise: nil)
    }

    private func connect(context: ChannelHandlerContext, link: DirectedLink) {
        let inbound = context.channel
        ClientBootstrap(group: context.eventLoop)
            .connectTimeout(.seconds(1))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RelayHandler(partner: inbound))
                }
            }
            .connect(host: targetHost, port: targetPort)
            .assumeIsolated()
            .whenComplete { result in
                self.connected(result, context: context, link: link)
            }
    }

    private func connected(_ result: Result<any Channel, any Error>, context: ChannelHandlerContext, link: DirectedLink) {
        switch (result, state) {
        case (.success(let outbound), .connecting(_, let pending)):
            guard let handle = proxy.register([context.channel, outbound], on: link) else {
                outbound.close(promise: nil)
                refuse(context)
                return
            }
            state = .forwarding(link, partner: outbound, handle: handle)
            outbound.writeAndFlush(pending, promise: nil)
        case (.success(let outbound), _):
            // This side closed while connecting.
            outbound.close(promise: nil)
        case (.failure, _):
            // The node is down: the sender sees what it would see without a proxy.
            refuse(context)
        }
    }

    private enum HelloRead {
        case needMoreData
        case invalid
        /// The sender's id, and the preface and `Hello` frame to send on in place of the
        /// consumed bytes.
        case hello(UInt64, ByteBuffer)
    }

    private func readHello(_ buffer: inout ByteBuffer) -> HelloRead {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= Preface.encodedLength + 4,
              let length = buffer.getInteger(at: start + Preface.encodedLength, endianness: .big, as: UInt32.self)
        else { return .needMoreData }
        guard length <= UInt32(Self.helloLimit) else { return .invalid }
        guard buffer.readableBytes >= Preface.encodedLength + 4 + Int(length) else { return .needMoreData }
        guard let prefaceBytes = buffer.readBytes(length: Preface.encodedLength),
              let preface = try? Preface(parsing: prefaceBytes), preface.kind == .peer
        else { return .invalid }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let payload = buffer.readSlice(length: Int(length)),
              var hello = try? Hello(decoding: payload), hello.nodeID != 0
        else { return .invalid }
        if let ingress = proxy.ingressAddress(of: hello.nodeID) {
            hello.peerAddress = ingress
        }
        let encoded = hello.serialized()
        var rewritten = ByteBuffer()
        preface.encode(into: &rewritten)
        rewritten.writeInteger(UInt32(encoded.count), endianness: .big)
        rewritten.writeBytes(encoded)
        return .hello(hello.nodeID, rewritten)
    }
}
