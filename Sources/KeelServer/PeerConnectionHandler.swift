import KeelRaft
import KeelWire
import Logging
import NIOCore

/// The accepting side of a connection from a peer: checks the preface and the cluster id,
/// then hands Raft messages to the driver and snapshot chunks to the receiver.
final class PeerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = PrefacedFrameDecoder.Inbound
    typealias OutboundOut = ByteBuffer

    private enum State {
        case awaitingPreface
        case awaitingHello
        case open(peer: UInt64)
        case closing
    }

    private var state = State.awaitingPreface
    private let nodeID: UInt64
    private let clusterID: String
    private let inbox: DriverInbox
    private let receiver: SnapshotReceiver
    private var logger: Logger
    private let metrics: ServerMetrics

    init(nodeID: UInt64, clusterID: String, inbox: DriverInbox, receiver: SnapshotReceiver, logger: Logger, metrics: ServerMetrics) {
        self.nodeID = nodeID
        self.clusterID = clusterID
        self.inbox = inbox
        self.receiver = receiver
        self.logger = logger
        self.metrics = metrics
    }

    private var counted = false

    func channelActive(context: ChannelHandlerContext) {
        counted = true
        metrics.peers.connections.increment()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted {
            counted = false
            metrics.peers.connections.decrement()
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (state, unwrapInboundIn(data)) {
        case (.awaitingPreface, .preface(let preface)):
            guard preface.kind == .peer else {
                refuse(context, "connection kind \(preface.kind) on the peer port")
                return
            }
            state = .awaitingHello
        case (.awaitingHello, .frame(let payload)):
            guard let hello = try? Hello(decoding: payload) else {
                refuse(context, "unreadable hello")
                return
            }
            guard hello.clusterID == clusterID else {
                logger.warning("refused a peer of another cluster", metadata: [
                    "peer.id": "\(hello.nodeID)", "peer.cluster": "\(hello.clusterID)",
                    "peer.remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")",
                ])
                reject(context, ErrorReply(code: .wrongCluster, message: "this node belongs to cluster \(clusterID)"))
                return
            }
            guard hello.nodeID != 0, hello.nodeID != nodeID else {
                reject(context, ErrorReply(code: .invalidArgument, message: "a peer must name its own node id"))
                return
            }
            logger[metadataKey: "peer.id"] = "\(hello.nodeID)"
            state = .open(peer: hello.nodeID)
            write(HelloReply.accepted(HelloAck(clusterID: clusterID, nodeID: nodeID)), context: context, flush: true)
            if !hello.peerAddress.isEmpty {
                inbox.post(.peerIntroduced(hello.nodeID, MemberAddress(peer: hello.peerAddress, client: hello.clientAddress)))
            }
        case (.open(let peer), .frame(let payload)):
            let frame: PeerFrame
            do {
                frame = try PeerFrame(decoding: payload)
            } catch .unparsable {
                refuse(context, "unparsable peer frame")
                return
            } catch {
                logger.debug("peer frame dropped", metadata: ["peer.error": "\(error)"])
                return
            }
            switch frame {
            case .messages(let wireMessages):
                var messages: [Message] = []
                messages.reserveCapacity(wireMessages.count)
                for wire in wireMessages where wire.from == peer {
                    if let message = try? Message(wire: wire) { messages.append(message) }
                }
                if !messages.isEmpty { inbox.post(.messages(messages)) }
            case .snapshotChunk(let chunk):
                let channel = context.channel
                receiver.receive(chunk) { ack in
                    var buffer = channel.allocator.buffer(capacity: 64)
                    PeerReply.snapshotAck(ack).encode(into: &buffer)
                    channel.writeAndFlush(buffer, promise: nil)
                }
            }
        case (.closing, _):
            break
        default:
            refuse(context, "unexpected frame")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .closing = state { return }
        if case .unsupportedVersion(let version) = error as? PrefaceError {
            reject(context, ErrorReply(code: .unsupportedVersion, message: "protocol version \(version) is not supported; this node speaks \(Preface.supportedVersions)"))
            return
        }
        refuse(context, "\(error)")
    }

    private func write(_ message: some WireMessage, context: ChannelHandlerContext, flush: Bool) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        message.encode(into: &buffer)
        if flush {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        } else {
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
    }

    private func reject(_ context: ChannelHandlerContext, _ error: ErrorReply) {
        metrics.peers.connectionsRefused.increment()
        state = .closing
        var buffer = context.channel.allocator.buffer(capacity: 64)
        HelloReply.rejected(error).encode(into: &buffer)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }

    private func refuse(_ context: ChannelHandlerContext, _ reason: String) {
        metrics.peers.connectionsRefused.increment()
        logger.debug("peer connection closed", metadata: ["peer.reason": "\(reason)"])
        state = .closing
        context.close(promise: nil)
    }
}
