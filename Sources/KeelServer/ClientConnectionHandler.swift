import Foundation
import KeelWire
import Logging
import NIOCore

/// One client (or admin) connection: preface and handshake, then many requests in flight,
/// answered in whatever order they finish, each within its deadline.
///
/// Backpressure: once `maxInFlight` requests are waiting, the handler stops asking the
/// socket for more bytes and resumes when answers go out.
///
/// Deadlines: one timer per connection, set for the earliest deadline in flight, rather than
/// one scheduled task per request (scheduling and cancelling a task per request costs more
/// than the request's own work on the event loop).
final class ClientConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = PrefacedFrameDecoder.Inbound
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case awaitingPreface
        case awaitingHello
        case open
        case closing
    }

    struct Settings: Sendable {
        var nodeID: UInt64
        var clusterID: String
        var maxInFlight: Int
        var maxResponseBytes: UInt32
        var defaultTimeoutMilliseconds: UInt64
    }

    private var state = State.awaitingPreface
    private let settings: Settings
    private let executor: RequestExecutor
    private let counter: RequestCounter
    private let logger: Logger
    private let metrics: ServerMetrics
    private struct InFlightRequest {
        /// `DispatchTime` uptime nanoseconds after which the request is answered `TIMEOUT`.
        var deadlineNanoseconds: UInt64
        var timeoutMilliseconds: UInt64
        var type: ClientServiceMetrics.RequestType
        var startNanoseconds: UInt64
    }
    private var inFlight: [UInt64: InFlightRequest] = [:]
    /// The timer that answers expired requests, and when it fires.
    private var deadlineTimer: Scheduled<Void>?
    private var deadlineTimerNanoseconds = UInt64.max
    private var counted = false
    private var readHeld = false
    private var flushScheduled = false
    private var context: ChannelHandlerContext?

    init(settings: Settings, executor: RequestExecutor, counter: RequestCounter, logger: Logger, metrics: ServerMetrics) {
        self.settings = settings
        self.executor = executor
        self.counter = counter
        self.logger = logger
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        counted = true
        metrics.clients.connections.increment()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted {
            counted = false
            metrics.clients.connections.decrement()
        }
        for _ in inFlight { counter.end() }
        inFlight.removeAll()
        deadlineTimer?.cancel()
        deadlineTimer = nil
        deadlineTimerNanoseconds = .max
        state = .closing
        context.fireChannelInactive()
    }

    func read(context: ChannelHandlerContext) {
        if inFlight.count >= settings.maxInFlight {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (state, unwrapInboundIn(data)) {
        case (.awaitingPreface, .preface(let preface)):
            guard preface.kind == .client || preface.kind == .admin else {
                close(context, "connection kind \(preface.kind) on the client port")
                return
            }
            state = .awaitingHello
        case (.awaitingHello, .frame(let payload)):
            guard let hello = try? Hello(decoding: payload) else {
                close(context, "unreadable hello")
                return
            }
            guard hello.clusterID == settings.clusterID else {
                logger.info("refused a client of another cluster", metadata: ["client.cluster": "\(hello.clusterID)"])
                reject(context, ErrorReply(code: .wrongCluster, message: "this node belongs to cluster \(settings.clusterID)"))
                return
            }
            state = .open
            send(HelloReply.accepted(HelloAck(clusterID: settings.clusterID, nodeID: settings.nodeID)), context: context)
        case (.open, .frame(let payload)):
            let request: ClientRequest
            do {
                request = try ClientRequest(decoding: payload)
            } catch .invalidField(_, let field, let reason, let requestID?) {
                metrics.clients.record(.invalid, .error, nanoseconds: 0)
                send(ClientResponse(id: requestID, result: .error(ErrorReply(code: .invalidArgument, message: "\(field): \(reason)"))), context: context)
                return
            } catch {
                sendThenClose(
                    ClientResponse(id: 0, result: .error(ErrorReply(code: .invalidArgument, message: "unreadable request"))),
                    context: context, reason: "unreadable request"
                )
                return
            }
            start(request, context: context)
        case (.closing, _):
            break
        default:
            close(context, "unexpected frame")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .closing = state { return }
        switch error {
        case PrefaceError.unsupportedVersion(let version):
            reject(context, ErrorReply(code: .unsupportedVersion, message: "protocol version \(version) is not supported; this node speaks \(Preface.supportedVersions)"))
        case FrameError.frameTooLarge(let length, let limit):
            sendThenClose(
                ClientResponse(id: 0, result: .error(ErrorReply(code: .tooLarge, message: "frame of \(length) bytes is over the limit of \(limit)"))),
                context: context, reason: "frame too large"
            )
        default:
            close(context, "\(error)")
        }
    }

    // MARK: Requests

    private func start(_ request: ClientRequest, context: ChannelHandlerContext) {
        let id = request.id
        guard inFlight[id] == nil else {
            send(ClientResponse(id: id, result: .error(ErrorReply(code: .invalidArgument, message: "request id \(id) is already in flight"))), context: context)
            return
        }
        let timeout = request.timeoutMilliseconds == 0 ? settings.defaultTimeoutMilliseconds : request.timeoutMilliseconds
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        counter.begin()
        let now = DispatchTime.now().uptimeNanoseconds
        // 2^40 ms is 34 years: longer timeouts cannot overflow the nanosecond deadline.
        let deadline = now + min(timeout, 1 << 40) * 1_000_000
        inFlight[id] = InFlightRequest(
            deadlineNanoseconds: deadline, timeoutMilliseconds: timeout,
            type: ClientServiceMetrics.type(of: request.operation), startNanoseconds: now
        )
        armDeadlineTimer(for: deadline, context: context)
        var committed: (@Sendable (UInt64) -> Void)?
        if request.acknowledgeCommit {
            committed = { index in
                if loop.inEventLoop {
                    bound.value.announceCommit(id, index)
                } else {
                    loop.execute { bound.value.announceCommit(id, index) }
                }
            }
        }
        executor.execute(request, replyLoop: loop, committed: committed) { result in
            if loop.inEventLoop {
                bound.value.finish(id, result)
            } else {
                loop.execute { bound.value.finish(id, result) }
            }
        }
    }

    /// Sends the interim answer of a write that asked to hear of its commit; the request
    /// stays in flight until its final answer.
    private func announceCommit(_ id: UInt64, _ index: UInt64) {
        guard inFlight[id] != nil, let context, case .open = state else { return }
        var buffer = context.channel.allocator.buffer(capacity: 24)
        ClientResponse(id: id, result: .committed(index: index)).encode(into: &buffer)
        context.write(wrapOutboundOut(buffer), promise: nil)
        scheduleFlush(context)
    }

    private func finish(_ id: UInt64, _ result: ClientResult) {
        guard let request = inFlight.removeValue(forKey: id) else { return }
        counter.end()
        metrics.clients.record(
            request.type, ClientServiceMetrics.outcome(of: result),
            nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - request.startNanoseconds)
        )
        guard let context, case .open = state else { return }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        ClientResponse(id: id, result: result).encode(into: &buffer)
        if buffer.readableBytes > Int(settings.maxResponseBytes) {
            buffer.clear()
            ClientResponse(id: id, result: .error(ErrorReply(code: .tooLarge, message: "the answer is over the frame limit"))).encode(into: &buffer)
        }
        context.write(wrapOutboundOut(buffer), promise: nil)
        scheduleFlush(context)
        if readHeld && inFlight.count < settings.maxInFlight {
            readHeld = false
            context.read()
        }
    }

    /// Makes sure the deadline timer fires no later than `deadline`.
    private func armDeadlineTimer(for deadline: UInt64, context: ChannelHandlerContext) {
        guard deadline < deadlineTimerNanoseconds else { return }
        deadlineTimer?.cancel()
        deadlineTimerNanoseconds = deadline
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        deadlineTimer = context.eventLoop.scheduleTask(deadline: NIODeadline.uptimeNanoseconds(deadline)) {
            bound.value.expireRequests()
        }
    }

    /// Answers every request whose deadline passed with `TIMEOUT`, then sets the timer for the
    /// earliest deadline still ahead.
    private func expireRequests() {
        deadlineTimer = nil
        deadlineTimerNanoseconds = .max
        let now = DispatchTime.now().uptimeNanoseconds
        var earliest = UInt64.max
        var expired: [(id: UInt64, timeout: UInt64)] = []
        for (id, request) in inFlight {
            if request.deadlineNanoseconds <= now {
                expired.append((id, request.timeoutMilliseconds))
            } else {
                earliest = min(earliest, request.deadlineNanoseconds)
            }
        }
        for (id, timeout) in expired {
            finish(id, .error(ErrorReply(code: .timeout, message: "no answer within \(timeout) ms")))
        }
        if earliest != .max, let context {
            armDeadlineTimer(for: earliest, context: context)
        }
    }

    /// Coalesces the flushes of answers that complete in the same event-loop tick.
    private func scheduleFlush(_ context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let handler = bound.value
            handler.flushScheduled = false
            handler.context?.flush()
        }
    }

    // MARK: Writing and closing

    private func send(_ message: some WireMessage, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        message.encode(into: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    private func reject(_ context: ChannelHandlerContext, _ error: ErrorReply) {
        metrics.clients.connectionsRefused.increment()
        state = .closing
        var buffer = context.channel.allocator.buffer(capacity: 64)
        HelloReply.rejected(error).encode(into: &buffer)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }

    private func close(_ context: ChannelHandlerContext, _ reason: String) {
        metrics.clients.connectionsRefused.increment()
        logger.debug("client connection closed", metadata: ["client.reason": "\(reason)"])
        state = .closing
        context.close(promise: nil)
    }

    private func sendThenClose(_ response: ClientResponse, context: ChannelHandlerContext, reason: String) {
        metrics.clients.connectionsRefused.increment()
        logger.debug("client connection closed", metadata: ["client.reason": "\(reason)"])
        state = .closing
        var buffer = context.channel.allocator.buffer(capacity: 64)
        response.encode(into: &buffer)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }
}
