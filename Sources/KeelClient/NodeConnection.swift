import DequeModule
import KeelWire
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The client's connection to one node: opened on first use (and again after it closes),
/// shared by every request to that node, with many requests in flight matched by id.
///
/// At most ``KeelClientConfiguration/maximumInFlightRequestsPerConnection`` requests are
/// outstanding; further callers wait in line for a slot, each until its own deadline. A slot
/// is held until the answer arrives (or the caller gives up), so a node that answers slowly
/// makes callers wait instead of letting requests pile up in memory.
///
/// The deadlines of the requests in flight and of the callers waiting for a slot share one
/// timer, armed for the earliest of them. Requests usually share one timeout, so it is re-armed
/// only when it fires (and then for the next one still waiting) or when a request comes with an
/// earlier deadline. A timer per request would cost two cross-thread operations on the event
/// loop (schedule and cancel) for every request.
final class NodeConnection: Sendable {
    /// Where the node listens for clients.
    let endpoint: KeelEndpoint
    private let configuration: KeelClientConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state = Mutex(State())

    private enum ChannelState {
        case idle
        case connecting(EventLoopFuture<CoalescingWriter>)
        case ready(CoalescingWriter)
    }

    private struct PendingRequest {
        let completion: OneShotCompletion<ClientResponse>
        let channel: ObjectIdentifier
        /// Called with a write's interim answer (``ClientResult/committed(index:)``).
        let onCommitted: (@Sendable (UInt64) -> Void)?
    }

    /// The connection's one deadline timer; `generation` tells a replaced timer that ran
    /// anyway (its cancellation came too late) from the current one.
    private struct DeadlineTimer {
        let deadline: NIODeadline
        let generation: UInt64
        let task: Scheduled<Void>
        let loop: any EventLoop
    }

    private struct State {
        var channel = ChannelState.idle
        var isShutDown = false
        /// Numbers requests and callers waiting for a slot alike, so that one deadline queue
        /// holds both.
        var nextID: UInt64 = 1
        var pending: [UInt64: PendingRequest] = [:]
        var inFlight = 0
        /// Callers waiting for a slot, by id, and their order; `permitLine` may still hold the
        /// ids of waiters that gave up, which the next release skips.
        var permitWaiters: [UInt64: OneShotCompletion<Void>] = [:]
        var permitLine: Deque<UInt64> = []
        var deadlines = RequestDeadlines()
        var deadlineTimer: DeadlineTimer?
        var timerGeneration: UInt64 = 0
    }

    init(endpoint: KeelEndpoint, configuration: KeelClientConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "keel.node"] = "\(endpoint)"
        self.logger = logger
    }

    /// Sends one request and waits for its answer.
    /// - Parameters:
    ///   - operation: What to ask.
    ///   - session: The write's exactly-once stamp, `nil` for reads.
    ///   - deadline: When to give up; also sent to the node as the request's timeout.
    ///   - onCommitted: For a write: asks the node to announce the commit of its entry, and
    ///     is called with the index when it does (the node may not: nodes older than this
    ///     client only answer finally).
    /// - Returns: The node's final answer (which may be an error reply).
    /// - Throws: ``ConnectionFailure``; its `requestSent` tells whether the node may have
    ///   received the request.
    func send(
        _ operation: ClientOperation,
        session: WriteSession?,
        deadline: NIODeadline,
        onCommitted: (@Sendable (UInt64) -> Void)? = nil
    ) async throws(ConnectionFailure) -> ClientResponse {
        try await self.acquirePermit(deadline: deadline)
        defer { self.releasePermit() }
        let writer = try await self.readyWriter(deadline: deadline)
        let channel = writer.channel

        let completion = OneShotCompletion<ClientResponse>()
        let channelID = ObjectIdentifier(channel)
        let id = try self.state.withLock { state throws(ConnectionFailure) -> UInt64 in
            guard !state.isShutDown else {
                throw .shutDown(requestSent: false)
            }
            let id = state.nextID
            state.nextID += 1
            state.pending[id] = PendingRequest(completion: completion, channel: channelID, onCommitted: onCommitted)
            self.watch(deadline, of: id, state: &state, timerLoop: channel.eventLoop)
            return id
        }
        let remaining = deadline - NIODeadline.now()
        let request = ClientRequest(
            id: id,
            timeoutMilliseconds: UInt64(max(1, remaining.nanoseconds / 1_000_000)),
            session: session,
            acknowledgeCommit: onCommitted != nil,
            operation: operation
        )
        var payload = channel.allocator.buffer(capacity: 64)
        request.encode(into: &payload)
        guard payload.readableBytes <= Int(self.configuration.maximumFrameLength) else {
            self.forget(requestID: id)
            throw .requestTooLarge(bytes: payload.readableBytes, limit: self.configuration.maximumFrameLength)
        }
        writer.write(payload) { error in
            // Bytes refused by a closed channel never left this process.
            let sent = (error as? ChannelError) != .ioOnClosedChannel
            completion.complete(.failure(.lost("write failed: \(error)", requestSent: sent)))
        }
        do {
            // The connection's deadline timer fails the completion when the deadline passes.
            return try await completion.value()
        } catch {
            self.forget(requestID: id)
            if case .lost(_, requestSent: false) = error {
                throw error
            }
            throw error.afterSending
        }
    }

    /// Called by the channel handler with each answer.
    func deliver(_ response: ClientResponse, channel: any Channel) {
        if case .committed(let index) = response.result {
            // Interim: the request stays pending for its final answer.
            let onCommitted = self.state.withLock { state in
                state.pending[response.id].flatMap { $0.channel == ObjectIdentifier(channel) ? $0.onCommitted : nil }
            }
            onCommitted?(index)
            return
        }
        let pending = self.state.withLock { state in
            Self.takePending(&state, requestID: response.id, channel: channel)
        }
        pending?.completion.complete(.success(response))
    }

    /// Called by the channel handler when the answer to `requestID` cannot be read.
    func fail(requestID: UInt64, channel: any Channel, with failure: ConnectionFailure) {
        let pending = self.state.withLock { state in
            Self.takePending(&state, requestID: requestID, channel: channel)
        }
        pending?.completion.complete(.failure(failure))
    }

    /// Called by the channel handler when its channel closed: every request still waiting on
    /// that channel has an unknown outcome.
    func channelClosed(_ channel: any Channel) {
        let channelID = ObjectIdentifier(channel)
        let orphaned = self.state.withLock { state -> [PendingRequest] in
            if case .ready(let current) = state.channel, ObjectIdentifier(current.channel) == channelID {
                state.channel = .idle
            }
            let orphaned = state.pending.filter { $0.value.channel == channelID }
            for id in orphaned.keys {
                state.pending[id] = nil
            }
            return Array(orphaned.values)
        }
        if !orphaned.isEmpty {
            self.logger.debug("Keel connection closed with requests in flight", metadata: ["keel.requests": "\(orphaned.count)"])
        }
        for request in orphaned {
            request.completion.complete(.failure(.lost("the connection closed", requestSent: true)))
        }
    }

    /// Fails everything waiting and closes the connection; later sends fail at once.
    func shutdown() async {
        let (openChannel, connecting, pending, waiters) = self.state.withLock { state in
            state.isShutDown = true
            var channel: (any Channel)?
            var connecting: EventLoopFuture<CoalescingWriter>?
            switch state.channel {
            case .idle:
                break
            case .connecting(let future):
                connecting = future
            case .ready(let current):
                channel = current.channel
            }
            state.channel = .idle
            let pending = Array(state.pending.values)
            state.pending = [:]
            state.deadlineTimer?.task.cancel()
            state.deadlineTimer = nil
            state.deadlines.removeAll()
            let waiters = Array(state.permitWaiters.values)
            state.permitWaiters = [:]
            state.permitLine = []
            return (channel, connecting, pending, waiters)
        }
        for waiter in waiters {
            waiter.complete(.failure(.shutDown(requestSent: false)))
        }
        for request in pending {
            request.completion.complete(.failure(.shutDown(requestSent: true)))
        }
        var channel = openChannel
        if let connecting {
            channel = try? await connecting.get().channel
        }
        if let channel {
            try? await channel.close()
            // Wait for the close to finish so that no callback outlives the client.
            try? await channel.closeFuture.get()
        }
    }

    /// How many sent requests wait for their answer.
    var pendingCount: Int {
        self.state.withLock { $0.pending.count }
    }

    /// The deadline the connection's timer is armed for, `nil` when no timer is scheduled.
    var armedDeadline: NIODeadline? {
        self.state.withLock { $0.deadlineTimer?.deadline }
    }

    // MARK: - Deadlines

    /// Adds the deadline of a pending request or of a caller waiting for a slot, arming the
    /// timer when it is due before the armed one.
    /// - Parameter timerLoop: The loop of the request's channel; `nil` for a slot waiter,
    ///   which has no channel yet and leaves the timer where it is.
    private func watch(_ deadline: NIODeadline, of id: UInt64, state: inout State, timerLoop: (any EventLoop)?) {
        state.deadlines.add(requestID: id, deadline: deadline)
        // Entries of answered requests stay behind until the timer reaches them; sweeping
        // when they outnumber the waiting ones keeps the work per request constant.
        if state.deadlines.count > 2 * (state.pending.count + state.permitWaiters.count) + 64 {
            let pending = state.pending
            let permitWaiters = state.permitWaiters
            state.deadlines.sweep { pending[$0] != nil || permitWaiters[$0] != nil }
        }
        if let armed = state.deadlineTimer, armed.deadline <= deadline, timerLoop == nil || armed.loop === timerLoop {
            return
        }
        // The timer follows the loop of the newest request's channel (it moves only after a
        // reconnect): there the timer and the channel's events take turns, so a close that
        // arrived before the deadline is handled first and its requests fail as lost, as
        // with a timer per request.
        let earliest = min(deadline, state.deadlineTimer?.deadline ?? deadline)
        let loop = timerLoop ?? state.deadlineTimer?.loop ?? self.eventLoopGroup.any()
        self.armDeadlineTimer(at: earliest, state: &state, on: loop)
    }

    private func armDeadlineTimer(at deadline: NIODeadline, state: inout State, on loop: any EventLoop) {
        // Scheduling under the lock is safe: the event loop never calls back into this
        // connection while it holds its own lock.
        state.deadlineTimer?.task.cancel()
        state.timerGeneration += 1
        let generation = state.timerGeneration
        let task = loop.scheduleTask(deadline: deadline) {
            self.deadlineTimerFired(generation: generation, on: loop)
        }
        state.deadlineTimer = DeadlineTimer(deadline: deadline, generation: generation, task: task, loop: loop)
    }

    /// Fails every request and slot waiter whose deadline passed and re-arms for the earliest
    /// one left.
    private func deadlineTimerFired(generation: UInt64, on loop: any EventLoop) {
        let now = NIODeadline.now()
        let (requests, waiters) = self.state.withLock { state -> ([PendingRequest], [OneShotCompletion<Void>]) in
            guard let armed = state.deadlineTimer, armed.generation == generation else {
                // Replaced by an earlier timer, or the connection shut down.
                return ([], [])
            }
            state.deadlineTimer = nil
            var requests: [PendingRequest] = []
            var waiters: [OneShotCompletion<Void>] = []
            for id in state.deadlines.removeExpired(at: now) {
                if let request = state.pending.removeValue(forKey: id) {
                    requests.append(request)
                } else if let waiter = state.permitWaiters.removeValue(forKey: id) {
                    // Out of the table, so no release hands it a slot any more.
                    waiters.append(waiter)
                }
            }
            let pending = state.pending
            let permitWaiters = state.permitWaiters
            if let next = state.deadlines.earliest(keeping: { pending[$0] != nil || permitWaiters[$0] != nil }) {
                self.armDeadlineTimer(at: next, state: &state, on: loop)
            }
            return (requests, waiters)
        }
        for waiter in waiters {
            waiter.complete(.failure(.deadlinePassed(requestSent: false)))
        }
        for request in requests {
            request.completion.complete(.failure(.deadlinePassed(requestSent: true)))
        }
    }

    // MARK: - In-flight slots

    private func acquirePermit(deadline: NIODeadline) async throws(ConnectionFailure) {
        let waiter = try self.state.withLock {
            state throws(ConnectionFailure) -> (id: UInt64, completion: OneShotCompletion<Void>)? in
            guard !state.isShutDown else {
                throw .shutDown(requestSent: false)
            }
            if state.inFlight < self.configuration.maximumInFlightRequestsPerConnection {
                state.inFlight += 1
                return nil
            }
            let id = state.nextID
            state.nextID += 1
            let completion = OneShotCompletion<Void>()
            state.permitWaiters[id] = completion
            state.permitLine.append(id)
            self.watch(deadline, of: id, state: &state, timerLoop: nil)
            return (id, completion)
        }
        guard let waiter else {
            return
        }
        do {
            // The connection's deadline timer fails the wait when the deadline passes.
            try await waiter.completion.value()
        } catch {
            // The failure won, so no slot was handed to this waiter; only its place in line
            // goes (a release skips a line entry that is no longer waiting).
            self.state.withLock { state in
                _ = state.permitWaiters.removeValue(forKey: waiter.id)
            }
            throw error
        }
    }

    private func releasePermit() {
        self.state.withLock { state in
            // Hand the slot straight to the first waiter still waiting (one that gave up
            // already refuses it), so the count never drops below what is really in flight.
            while let id = state.permitLine.popFirst() {
                if let waiter = state.permitWaiters.removeValue(forKey: id), waiter.complete(.success(())) {
                    return
                }
            }
            state.inFlight -= 1
        }
    }

    // MARK: - Connecting

    /// What a sender finds: an open connection, or one being opened (perhaps by this sender).
    private enum WriterLookup {
        case ready(CoalescingWriter)
        case connecting(EventLoopFuture<CoalescingWriter>, start: EventLoopPromise<CoalescingWriter>?)
    }

    private func readyWriter(deadline: NIODeadline) async throws(ConnectionFailure) -> CoalescingWriter {
        let lookup = try self.state.withLock { state throws(ConnectionFailure) -> WriterLookup in
            guard !state.isShutDown else {
                throw .shutDown(requestSent: false)
            }
            switch state.channel {
            case .ready(let writer):
                return .ready(writer)
            case .connecting(let future):
                return .connecting(future, start: nil)
            case .idle:
                // Claim the connection attempt here; start it outside the lock, because its
                // callbacks take the lock.
                let promise = self.eventLoopGroup.next().makePromise(of: CoalescingWriter.self)
                state.channel = .connecting(promise.futureResult)
                return .connecting(promise.futureResult, start: promise)
            }
        }
        let future: EventLoopFuture<CoalescingWriter>
        switch lookup {
        case .ready(let writer):
            // The common case needs no future and no timer: there is nothing to wait for.
            // A cancelled caller still sends nothing, as when it waits.
            guard !Task.isCancelled else {
                throw .cancelled(requestSent: false)
            }
            return writer
        case .connecting(let connecting, let startConnecting):
            if let startConnecting {
                self.connect(on: startConnecting.futureResult.eventLoop).cascade(to: startConnecting)
            }
            future = connecting
        }
        let completion = OneShotCompletion<CoalescingWriter>()
        future.whenComplete { result in
            completion.complete(result.mapError(Self.connectFailure))
        }
        return try await completion.value(before: deadline, timerLoop: future.eventLoop)
    }

    /// Opens a channel and runs the handshake; the future succeeds once the node accepted.
    private func connect(on eventLoop: any EventLoop) -> EventLoopFuture<CoalescingWriter> {
        let handshake = eventLoop.makePromise(of: HelloAck.self)
        let hello = Hello(clusterID: self.configuration.clusterID, softwareVersion: self.configuration.softwareVersion)
        let maximumFrameLength = self.configuration.maximumFrameLength
        let logger = self.logger
        let connectTimeout = TimeAmount(self.configuration.connectTimeout)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(
                            FrameDecoder(maximumFrameLength: maximumFrameLength),
                            maximumBufferSize: FrameDecoder.bufferLimit(forFrameLimit: maximumFrameLength)
                        ),
                        MessageToByteHandler(FrameEncoder(maximumFrameLength: maximumFrameLength, preface: Preface(kind: .client))),
                        ClientChannelHandler(hello: hello, handshake: handshake, connection: self, logger: logger)
                    )
                }
            }
        let connected = bootstrap.connect(host: self.endpoint.host, port: self.endpoint.port)
        connected.whenFailure { error in
            handshake.fail(error)
        }
        // The connect timeout covers the handshake too: a node that accepts and never
        // answers the hello must not hold the connection in `connecting` forever.
        let handshakeTimer = eventLoop.scheduleTask(in: connectTimeout) {
            handshake.fail(ConnectionFailure.connectFailed("no handshake reply within \(connectTimeout)"))
        }
        let opened = connected.flatMap { channel in
            handshake.futureResult.map { ack -> CoalescingWriter in
                logger.debug("Keel connection open", metadata: ["keel.node_id": "\(ack.nodeID)"])
                return CoalescingWriter(channel: channel)
            }.flatMapErrorThrowing { error in
                channel.close(promise: nil)
                throw error
            }
        }
        opened.whenComplete { result in
            handshakeTimer.cancel()
            self.state.withLock { state in
                guard case .connecting = state.channel else {
                    return
                }
                switch result {
                case .success(let writer) where writer.channel.isActive:
                    state.channel = .ready(writer)
                case .success, .failure:
                    state.channel = .idle
                }
            }
        }
        return opened
    }

    private static func connectFailure(_ error: any Error) -> ConnectionFailure {
        if let failure = error as? ConnectionFailure {
            return failure
        }
        return .connectFailed("\(error)")
    }

    private func forget(requestID: UInt64) {
        self.state.withLock { state in
            _ = state.pending.removeValue(forKey: requestID)
        }
    }

    private static func takePending(_ state: inout State, requestID: UInt64, channel: any Channel) -> PendingRequest? {
        guard let pending = state.pending[requestID], pending.channel == ObjectIdentifier(channel) else {
            return nil
        }
        state.pending[requestID] = nil
        return pending
    }
}
