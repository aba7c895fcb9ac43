import KeelWire
import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The persistent outgoing connection to one peer: connects, introduces this node, writes
/// batches of Raft messages and snapshot chunks, and reconnects with backoff when the
/// connection fails.
///
/// Every mutable property is used on `eventLoop` only; other threads call `send`,
/// `sendChunk`, `readdress` and `close`, which hop there.
final class PeerLink: @unchecked Sendable {
    private enum State {
        case idle
        case connecting
        case handshaking(Channel)
        case ready(Channel)
        case closed
    }

    let peerID: UInt64
    private let eventLoop: any EventLoop
    private let hello: Hello
    private let maximumFrameLength: UInt32
    private let queueLimit: Int
    private let logger: Logger
    private let onUnreachable: @Sendable (UInt64) -> Void
    private let onRefused: @Sendable (UInt64) -> Void
    private let onDropped: @Sendable (Int) -> Void
    private let onAck: @Sendable (UInt64, SnapshotChunkAck) -> Void

    private var address: String
    private var state: State = .idle
    private var queue: [PeerMessage] = []
    private var backoff: TimeAmount = .milliseconds(20)
    private var reconnect: Scheduled<Void>?
    private static let maximumBackoff: TimeAmount = .seconds(1)
    /// Message batches are cut into frames of about this many bytes.
    private static let frameTarget = 4 << 20

    init(
        peerID: UInt64, address: String, eventLoop: any EventLoop, hello: Hello, maximumFrameLength: UInt32,
        queueLimit: Int, logger: Logger,
        onUnreachable: @escaping @Sendable (UInt64) -> Void,
        onRefused: @escaping @Sendable (UInt64) -> Void,
        onDropped: @escaping @Sendable (Int) -> Void,
        onAck: @escaping @Sendable (UInt64, SnapshotChunkAck) -> Void
    ) {
        self.peerID = peerID
        self.address = address
        self.eventLoop = eventLoop
        self.hello = hello
        self.maximumFrameLength = maximumFrameLength
        self.queueLimit = queueLimit
        var logger = logger
        logger[metadataKey: "peer.id"] = "\(peerID)"
        self.logger = logger
        self.onUnreachable = onUnreachable
        self.onRefused = onRefused
        self.onDropped = onDropped
        self.onAck = onAck
    }

    /// Queues messages and writes them in as few frames as possible, with one flush.
    func send(_ messages: [PeerMessage]) {
        eventLoop.execute { self.deliver(messages) }
    }

    /// Writes one snapshot chunk; `false` (through the future) when not connected.
    func sendChunk(_ chunk: SnapshotChunk) -> EventLoopFuture<Bool> {
        eventLoop.submit {
            guard case .ready(let channel) = self.state else {
                if case .idle = self.state, self.reconnect == nil { self.connect() }
                return false
            }
            var buffer = channel.allocator.buffer(capacity: chunk.data.count + 256)
            PeerFrame.snapshotChunk(chunk).encode(into: &buffer)
            channel.writeAndFlush(buffer, promise: nil)
            return true
        }
    }

    /// Points the link at a new address; the current connection is dropped if it differs.
    func readdress(_ newAddress: String) {
        eventLoop.execute {
            guard newAddress != self.address else { return }
            self.address = newAddress
            switch self.state {
            case .handshaking(let channel), .ready(let channel):
                channel.close(promise: nil)
            case .idle, .connecting, .closed:
                break
            }
        }
    }

    /// Closes the connection for good.
    func close() {
        eventLoop.execute {
            self.reconnect?.cancel()
            switch self.state {
            case .handshaking(let channel), .ready(let channel):
                channel.close(promise: nil)
            case .idle, .connecting, .closed:
                break
            }
            self.state = .closed
            self.queue.removeAll()
        }
    }

    // MARK: Event loop

    private func deliver(_ messages: [PeerMessage]) {
        switch state {
        case .ready(let channel):
            if channel.isWritable {
                write(messages, on: channel)
            } else {
                // The socket is backed up: Raft copes with loss better than with a stale backlog.
                drop(messages.count)
            }
        case .closed:
            return
        case .idle where reconnect != nil:
            // Backing off after a failure: the peer is down. Queued appends would be stale by
            // the time it returns; the core resends from its log once the peer answers.
            drop(messages.count)
        case .idle:
            enqueue(messages)
            connect()
        case .connecting, .handshaking:
            enqueue(messages)
        }
    }

    private func enqueue(_ messages: [PeerMessage]) {
        queue.append(contentsOf: messages)
        if queue.count > queueLimit {
            let excess = queue.count - queueLimit
            queue.removeFirst(excess)
            drop(excess)
        }
    }

    private func drop(_ count: Int) {
        onDropped(count)
        onUnreachable(peerID)
    }

    private func write(_ messages: [PeerMessage], on channel: Channel) {
        var batch: [PeerMessage] = []
        var bytes = 0
        for message in messages {
            var size = 64
            for entry in message.entries { size += entry.data.count + 32 }
            if !batch.isEmpty && bytes + size > PeerLink.frameTarget {
                writeFrame(batch, on: channel)
                batch.removeAll(keepingCapacity: true)
                bytes = 0
            }
            batch.append(message)
            bytes += size
        }
        if !batch.isEmpty { writeFrame(batch, on: channel) }
        channel.flush()
    }

    private func writeFrame(_ messages: [PeerMessage], on channel: Channel) {
        var buffer = channel.allocator.buffer(capacity: 256)
        PeerFrame.messages(messages).encode(into: &buffer)
        guard buffer.readableBytes <= Int(maximumFrameLength) else {
            logger.warning("raft messages too large for one frame; dropped", metadata: ["peer.frame.bytes": "\(buffer.readableBytes)"])
            drop(messages.count)
            return
        }
        channel.write(buffer, promise: nil)
    }

    private func connect() {
        guard case .idle = state, let target = HostAndPort(address) else { return }
        state = .connecting
        let handler = PeerLinkHandler(link: self)
        let maximumFrameLength = self.maximumFrameLength
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(1))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(
                            FrameDecoder(maximumFrameLength: maximumFrameLength),
                            maximumBufferSize: FrameDecoder.bufferLimit(forFrameLimit: maximumFrameLength)
                        ),
                        MessageToByteHandler(FrameEncoder(maximumFrameLength: maximumFrameLength, preface: Preface(kind: .peer))),
                        handler
                    )
                }
            }
            .connect(host: target.host, port: target.port)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    guard case .connecting = self.state else {
                        channel.close(promise: nil)
                        return
                    }
                    self.state = .handshaking(channel)
                    var buffer = channel.allocator.buffer(capacity: 128)
                    self.hello.encode(into: &buffer)
                    channel.writeAndFlush(buffer, promise: nil)
                case .failure(let error):
                    self.logger.debug("peer connection failed", metadata: ["peer.address": "\(self.address)", "peer.error": "\(error)"])
                    // Refused, not timed out: the host answered, so no process listens on the
                    // port. The driver may stop waiting for a leader that is gone.
                    if Self.isRefusal(error) { self.onRefused(self.peerID) }
                    self.connectionEnded()
                }
            }
    }

    fileprivate func received(_ payload: ByteBuffer, on channel: Channel) {
        switch state {
        case .handshaking(let current) where current === channel:
            guard let reply = try? HelloReply(decoding: payload) else {
                logger.warning("peer sent an unreadable handshake reply", metadata: ["peer.address": "\(address)"])
                channel.close(promise: nil)
                return
            }
            switch reply {
            case .accepted(let ack):
                guard ack.nodeID == peerID else {
                    logger.error("peer address answers with another node id", metadata: [
                        "peer.address": "\(address)", "peer.answered.id": "\(ack.nodeID)",
                    ])
                    backoff = PeerLink.maximumBackoff
                    channel.close(promise: nil)
                    return
                }
                state = .ready(channel)
                backoff = .milliseconds(20)
                logger.debug("peer connected", metadata: ["peer.address": "\(address)"])
                let pending = queue
                queue.removeAll()
                if !pending.isEmpty { write(pending, on: channel) }
            case .rejected(let error):
                logger.error("peer refused this node", metadata: [
                    "peer.address": "\(address)", "peer.error.code": "\(error.code)", "peer.error.message": "\(error.message)",
                ])
                backoff = PeerLink.maximumBackoff
                channel.close(promise: nil)
            }
        case .ready(let current) where current === channel:
            guard let reply = try? PeerReply(decoding: payload) else {
                channel.close(promise: nil)
                return
            }
            switch reply {
            case .snapshotAck(let ack):
                onAck(peerID, ack)
            }
        default:
            break
        }
    }

    fileprivate func channelClosed(_ channel: Channel) {
        switch state {
        case .handshaking(let current) where current === channel, .ready(let current) where current === channel:
            connectionEnded()
        default:
            break
        }
    }

    /// Whether a connect failed because the address refused it (ECONNREFUSED), on every
    /// address tried.
    private static func isRefusal(_ error: any Error) -> Bool {
        if let error = error as? IOError { return error.errnoCode == ECONNREFUSED }
        if let error = error as? NIOConnectionError {
            return !error.connectionErrors.isEmpty && error.connectionErrors.allSatisfy { isRefusal($0.error) }
        }
        return false
    }

    private func connectionEnded() {
        if case .closed = state { return }
        state = .idle
        let delay = backoff
        backoff = min(backoff * 2, PeerLink.maximumBackoff)
        reconnect?.cancel()
        if !queue.isEmpty { drop(queue.count) }
        queue.removeAll()
        reconnect = eventLoop.scheduleTask(in: delay) {
            self.reconnect = nil
            if case .idle = self.state { self.connect() }
        }
    }
}

/// Passes what the peer sends on an outgoing connection to its ``PeerLink``.
private final class PeerLinkHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let link: PeerLink

    init(link: PeerLink) {
        self.link = link
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        link.received(unwrapInboundIn(data), on: context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        link.channelClosed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
