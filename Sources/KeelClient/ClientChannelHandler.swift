import KeelWire
import Logging
import NIOCore

/// The top of a client connection's pipeline: sends the ``Hello`` when the connection opens,
/// reads the ``HelloReply``, then hands every ``ClientResponse`` to its ``NodeConnection``.
///
/// Sits above `FrameDecoder` and `FrameEncoder`, so it reads and writes frame payloads.
final class ClientChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case awaitingHelloReply
        case open
        case closed
    }

    private let hello: Hello
    private let handshake: EventLoopPromise<HelloAck>
    private let connection: NodeConnection
    private let logger: Logger
    private var phase = Phase.awaitingHelloReply

    /// - Parameters:
    ///   - hello: The handshake frame to send first.
    ///   - handshake: Completed with the node's acknowledgement, or failed with a
    ///     ``ConnectionFailure`` when the node refuses or the connection ends first.
    ///   - connection: Receives the responses and the news that the channel closed.
    ///   - logger: For connection-level events.
    init(hello: Hello, handshake: EventLoopPromise<HelloAck>, connection: NodeConnection, logger: Logger) {
        self.hello = hello
        self.handshake = handshake
        self.connection = connection
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        var payload = context.channel.allocator.buffer(capacity: 64)
        self.hello.encode(into: &payload)
        context.writeAndFlush(Self.wrapOutboundOut(payload), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let payload = Self.unwrapInboundIn(data)
        switch self.phase {
        case .awaitingHelloReply:
            self.readHelloReply(payload, context: context)
        case .open:
            self.readResponse(payload, context: context)
        case .closed:
            break
        }
    }

    private func readHelloReply(_ payload: ByteBuffer, context: ChannelHandlerContext) {
        do {
            switch try HelloReply(decoding: payload) {
            case .accepted(let ack):
                self.phase = .open
                self.handshake.succeed(ack)
            case .rejected(let error):
                self.phase = .closed
                self.handshake.fail(ConnectionFailure.handshakeRejected(error))
                context.close(promise: nil)
            }
        } catch {
            self.phase = .closed
            self.handshake.fail(ConnectionFailure.connectFailed("unreadable handshake reply: \(error)"))
            context.close(promise: nil)
        }
    }

    private func readResponse(_ payload: ByteBuffer, context: ChannelHandlerContext) {
        do {
            let response = try ClientResponse(decoding: payload)
            if response.id == 0 {
                // Id 0 is the node's last word before it closes the connection.
                self.logger.debug(
                    "Keel node reported a connection error",
                    metadata: ["keel.node": "\(self.connection.endpoint)", "keel.response": "\(response.result)"]
                )
                return
            }
            self.connection.deliver(response, channel: context.channel)
        } catch {
            if let requestID = error.requestID {
                self.connection.fail(requestID: requestID, channel: context.channel, with: .undecodableResponse("\(error)"))
            } else {
                self.logger.debug(
                    "Closing a Keel connection after an unreadable response",
                    metadata: ["keel.node": "\(self.connection.endpoint)", "keel.error": "\(error)"]
                )
                context.close(promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.logger.debug(
            "Keel connection failed",
            metadata: ["keel.node": "\(self.connection.endpoint)", "keel.error": "\(error)"]
        )
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.phase = .closed
        self.handshake.fail(ConnectionFailure.connectFailed("the node closed the connection during the handshake"))
        self.connection.channelClosed(context.channel)
        context.fireChannelInactive()
    }
}
