import KeelClient
import KeelWire
import NIOCore
import NIOPosix
import Synchronization

/// An in-process stand-in for a Keel node: a real TCP server on 127.0.0.1 speaking the wire
/// protocol (preface, hello, requests by id), whose answers a test scripts.
///
/// By default it behaves like a one-node cluster holding a small in-memory store, with
/// exactly-once sessions: a write whose (client id, sequence) it has seen is answered with the
/// first result and not applied again. A test replaces the behaviour with ``script``.
final class FakeKeelNode: Sendable {
    /// What the node does with one request.
    enum Reaction: Sendable {
        /// Answer with this result.
        case answer(ClientResult)
        /// Apply the request to the in-memory store and answer, as a healthy leader would.
        case serve
        /// Keep the request unanswered until ``releaseHeld(order:)`` (or forever).
        case hold
        /// Close the connection without answering.
        case closeConnection
        /// Send the interim answer of a write at its commit (``ClientResult/committed(index:)``),
        /// then close the connection without the final answer.
        case commitThenClose(index: UInt64)
    }

    /// The order in which held requests are answered.
    enum ReleaseOrder {
        case asReceived
        case reversed
    }

    /// Decides the reaction to each request; runs on the connection's event loop.
    typealias Script = @Sendable (ClientRequest) -> Reaction

    private struct HeldRequest {
        let request: ClientRequest
        let channel: any Channel
    }

    private struct State {
        var script: Script = { _ in .serve }
        var received: [ClientRequest] = []
        var held: [HeldRequest] = []
        var outstanding = 0
        var maximumOutstanding = 0
        var connectionsAccepted = 0
        var children: [ObjectIdentifier: any Channel] = [:]
        var values: [[UInt8]: [UInt8]] = [:]
        var appliedIndex: UInt64 = 0
        var sessions: [UInt64: (sequence: UInt64, result: ClientResult)] = [:]
        var nodeID: UInt64
        var members: [ClusterMember]
    }

    let clusterID: String
    let nodeID: UInt64
    private let state: Mutex<State>
    private let serverChannel: any Channel

    /// The address the node listens on.
    let endpoint: KeelEndpoint

    /// Starts a node on a free port of 127.0.0.1.
    static func start(clusterID: String = "test-cluster", nodeID: UInt64 = 1) async throws -> FakeKeelNode {
        let box = Mutex<FakeKeelNode?>(nil)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let node = box.withLock({ $0 }) else {
                        throw ChannelError.ioOnClosedChannel
                    }
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(PrefacedFrameDecoder()),
                        MessageToByteHandler(FrameEncoder()),
                        FakeNodeHandler(node: node)
                    )
                }
            }
        let serverChannel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        let node = FakeKeelNode(clusterID: clusterID, nodeID: nodeID, serverChannel: serverChannel)
        box.withLock { $0 = node }
        return node
    }

    private init(clusterID: String, nodeID: UInt64, serverChannel: any Channel) {
        self.clusterID = clusterID
        self.nodeID = nodeID
        self.serverChannel = serverChannel
        self.endpoint = KeelEndpoint(host: "127.0.0.1", port: serverChannel.localAddress!.port!)
        let me = ClusterMember(nodeID: nodeID, clientAddress: self.endpoint.description, peerAddress: "", isVoter: true)
        self.state = Mutex(State(nodeID: nodeID, members: [me]))
    }

    /// Stops listening and closes every accepted connection.
    func stop() async {
        try? await self.serverChannel.close()
        let children = self.state.withLock { state in
            let children = Array(state.children.values)
            state.children = [:]
            return children
        }
        for child in children {
            try? await child.close()
        }
    }

    /// Replaces how the node reacts to requests.
    func script(_ script: @escaping Script) {
        self.state.withLock { $0.script = script }
    }

    /// Every request read so far, in order of arrival.
    var received: [ClientRequest] {
        self.state.withLock { $0.received }
    }

    /// How many requests are held unanswered right now.
    var heldCount: Int {
        self.state.withLock { $0.held.count }
    }

    /// The most requests that were read and not yet answered at one moment.
    var maximumOutstanding: Int {
        self.state.withLock { $0.maximumOutstanding }
    }

    /// How many connections the node accepted.
    var connectionsAccepted: Int {
        self.state.withLock { $0.connectionsAccepted }
    }

    /// The value the in-memory store holds for `key`.
    func storedValue(_ key: [UInt8]) -> [UInt8]? {
        self.state.withLock { $0.values[key] }
    }

    /// Answers every held request (serving it from the store), in `order`.
    func releaseHeld(order: ReleaseOrder) {
        let held = self.state.withLock { state in
            let held = state.held
            state.held = []
            return held
        }
        for item in order == .reversed ? held.reversed() : held {
            let result = self.state.withLock { state in Self.serve(item.request, state: &state) }
            self.answer(item.request.id, with: result, on: item.channel)
        }
    }

    // MARK: - Called by the handler

    fileprivate func accepted(_ channel: any Channel) {
        self.state.withLock { state in
            state.connectionsAccepted += 1
            state.children[ObjectIdentifier(channel)] = channel
        }
    }

    fileprivate func closed(_ channel: any Channel) {
        self.state.withLock { state in
            state.children[ObjectIdentifier(channel)] = nil
            let before = state.held.count
            state.held.removeAll { ObjectIdentifier($0.channel) == ObjectIdentifier(channel) }
            state.outstanding -= before - state.held.count
        }
    }

    fileprivate func handle(_ request: ClientRequest, on channel: any Channel) {
        let (reaction, result) = self.state.withLock { state -> (Reaction, ClientResult?) in
            state.received.append(request)
            state.outstanding += 1
            state.maximumOutstanding = max(state.maximumOutstanding, state.outstanding)
            let reaction = state.script(request)
            switch reaction {
            case .answer(let result):
                return (reaction, result)
            case .serve:
                return (reaction, Self.serve(request, state: &state))
            case .hold:
                state.held.append(HeldRequest(request: request, channel: channel))
                return (reaction, nil)
            case .closeConnection, .commitThenClose:
                state.outstanding -= 1
                return (reaction, nil)
            }
        }
        switch reaction {
        case .answer, .serve:
            self.answer(request.id, with: result!, on: channel)
        case .hold:
            break
        case .closeConnection:
            channel.close(promise: nil)
        case .commitThenClose(let index):
            var payload = ByteBuffer()
            ClientResponse(id: request.id, result: .committed(index: index)).encode(into: &payload)
            channel.writeAndFlush(payload).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func answer(_ id: UInt64, with result: ClientResult, on channel: any Channel) {
        self.state.withLock { $0.outstanding -= 1 }
        var payload = ByteBuffer()
        ClientResponse(id: id, result: result).encode(into: &payload)
        channel.writeAndFlush(payload, promise: nil)
    }

    /// Applies a request to the in-memory store, once per session stamp.
    private static func serve(_ request: ClientRequest, state: inout State) -> ClientResult {
        if request.operation.isWrite, let session = request.session,
           let remembered = state.sessions[session.clientID], remembered.sequence == session.sequence
        {
            return remembered.result
        }
        let result: ClientResult
        switch request.operation {
        case .get(let key, _):
            result = .get(value: state.values[key], appliedIndex: state.appliedIndex)
        case .getMany(let keys, _):
            result = .getMany(values: keys.map { state.values[$0] }, appliedIndex: state.appliedIndex)
        case .scan(let prefix, let startAfter, let limit, _):
            let keys = state.values.keys
                .filter { key in key.starts(with: prefix) && (startAfter.map { $0.lexicographicallyPrecedes(key) } ?? true) }
                .sorted { $0.lexicographicallyPrecedes($1) }
            let cap = limit == 0 ? keys.count : Int(limit)
            let page = keys.prefix(cap).map { KeyValue(key: $0, value: state.values[$0]!) }
            result = .scan(entries: page, more: keys.count > cap, appliedIndex: state.appliedIndex)
        case .write(let write):
            result = Self.apply([write], state: &state, single: true)
        case .batch(let writes):
            result = Self.apply(writes, state: &state, single: false)
        case .sortedSet:
            // Sorted-set tests script their answers; the store's semantics are tested in KeelStore.
            result = .error(ErrorReply(code: .unknownCommand, message: "the fake node keeps no sorted sets"))
        case .admin(let operation):
            result = .admin(Self.administer(operation, state: &state))
        case .unknown:
            result = .error(ErrorReply(code: .unknownCommand))
        }
        if request.operation.isWrite, let session = request.session {
            state.sessions[session.clientID] = (session.sequence, result)
        }
        return result
    }

    /// Answers admin operations as the leader of a one-node cluster would.
    private static func administer(_ operation: AdminOperation, state: inout State) -> AdminResult {
        switch operation {
        case .status:
            return .status(
                NodeStatus(
                    nodeID: state.nodeID, role: .leader, term: 1, leaderID: state.nodeID, leaderAddress: "",
                    commitIndex: state.appliedIndex, appliedIndex: state.appliedIndex,
                    lastLogIndex: state.appliedIndex, snapshotIndex: 0, followers: [], isVoter: true
                )
            )
        case .members:
            return .members(state.members, leaderID: state.nodeID)
        case .addLearner(let nodeID, let clientAddress, let peerAddress):
            state.members.append(ClusterMember(nodeID: nodeID, clientAddress: clientAddress, peerAddress: peerAddress, isVoter: false))
            state.appliedIndex += 1
            return .addLearner(members: state.members, appliedIndex: state.appliedIndex)
        case .promote(let nodeID):
            state.members = state.members.map {
                $0.nodeID == nodeID ? ClusterMember(nodeID: nodeID, clientAddress: $0.clientAddress, peerAddress: $0.peerAddress, isVoter: true) : $0
            }
            state.appliedIndex += 1
            return .promote(members: state.members, appliedIndex: state.appliedIndex)
        case .remove(let nodeID):
            state.members.removeAll { $0.nodeID == nodeID }
            state.appliedIndex += 1
            return .remove(members: state.members, appliedIndex: state.appliedIndex)
        case .transferLeadership(let nodeID):
            return .transferLeadership(leaderID: nodeID, term: 2)
        case .takeSnapshot:
            return .takeSnapshot(index: state.appliedIndex, term: 1)
        }
    }

    private static func apply(_ writes: [WriteOperation], state: inout State, single: Bool) -> ClientResult {
        var values = state.values
        var increments: [Int64] = []
        for write in writes {
            switch write {
            case .put(let key, let value):
                values[key] = value
            case .delete(let key):
                values[key] = nil
            case .compareAndSet(let key, let expected, let newValue):
                guard values[key] == expected else {
                    return .error(ErrorReply(code: .conditionFailed, message: "key does not match"))
                }
                values[key] = newValue
            case .increment(let key, let delta):
                let current = values[key].map { KeelClient.counterValue($0) } ?? 0
                guard let current, case (let sum, false) = current.addingReportingOverflow(delta) else {
                    return .error(ErrorReply(code: .invalidArgument, message: "not a counter or overflow"))
                }
                values[key] = withUnsafeBytes(of: sum.bigEndian) { Array($0) }
                increments.append(sum)
            }
        }
        state.values = values
        state.appliedIndex += 1
        let index = state.appliedIndex
        guard single, let write = writes.first else {
            return .batch(incrementValues: increments, appliedIndex: index)
        }
        switch write {
        case .put:
            return .put(appliedIndex: index)
        case .delete:
            return .delete(appliedIndex: index)
        case .compareAndSet:
            return .compareAndSet(appliedIndex: index)
        case .increment:
            return .increment(value: increments[0], appliedIndex: index)
        }
    }
}

/// One accepted connection of a ``FakeKeelNode``: checks the preface and hello, then passes
/// requests to the node.
private final class FakeNodeHandler: ChannelInboundHandler {
    typealias InboundIn = PrefacedFrameDecoder.Inbound
    typealias OutboundOut = ByteBuffer

    private let node: FakeKeelNode
    private var helloReceived = false

    init(node: FakeKeelNode) {
        self.node = node
    }

    func channelActive(context: ChannelHandlerContext) {
        self.node.accepted(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.node.closed(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .frame(let payload) = Self.unwrapInboundIn(data) else {
            return
        }
        do {
            guard self.helloReceived else {
                let hello = try Hello(decoding: payload)
                self.helloReceived = true
                let reply: HelloReply = hello.clusterID == self.node.clusterID
                    ? .accepted(HelloAck(clusterID: self.node.clusterID, nodeID: self.node.nodeID))
                    : .rejected(ErrorReply(code: .wrongCluster, message: "this node serves \(self.node.clusterID)"))
                var buffer = context.channel.allocator.buffer(capacity: 32)
                reply.encode(into: &buffer)
                context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
                if case .rejected = reply {
                    context.close(promise: nil)
                }
                return
            }
            self.node.handle(try ClientRequest(decoding: payload), on: context.channel)
        } catch {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
