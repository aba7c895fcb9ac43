import KeelWire
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A connection to a Keel cluster: key-value reads and writes, atomic batches, prefix scans,
/// sorted sets (`zadd`, `zaddToMany`, `zrange`, ...) and admin operations, with leader
/// tracking, safe retries and pipelining.
///
/// One client is meant to be shared by a whole process: it keeps one connection per node,
/// opened on first use, and carries many requests on each at once. Every write is stamped
/// with a session id and a sequence number of its own, so the client can retry it after a
/// lost answer or a leader change and the cluster still applies it exactly once.
///
/// ```swift
/// let client = try KeelClient(
///     endpoints: ["127.0.0.1:7101", "127.0.0.1:7102", "127.0.0.1:7103"],
///     configuration: KeelClientConfiguration(clusterID: "feeds"),
///     logger: logger
/// )
/// try await client.put("greeting".utf8, value: "hello".utf8)
/// let value = try await client.get("greeting".utf8)
/// await client.shutdown()
/// ```
///
/// Call ``shutdown()`` before dropping the client.
public final class KeelClient: Sendable {
    /// The endpoints the client was created with.
    public let endpoints: [KeelEndpoint]
    /// The configuration the client was created with.
    public let configuration: KeelClientConfiguration

    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let writeSessions: WriteSessionPool
    private let routing: Mutex<Routing>

    /// Where requests go: the connections and what the client believes about the leader.
    private struct Routing {
        var connections: [KeelEndpoint: NodeConnection] = [:]
        var leader: KeelEndpoint?
        var nextLeaderCandidate = 0
        var nextStaleReadNode = 0
        var isShutDown = false
    }

    /// Creates a client. No connection is opened until the first request.
    /// - Parameters:
    ///   - endpoints: The client addresses of some or all nodes; at least one. The leader is
    ///     found from any of them.
    ///   - configuration: The cluster id, timeouts, retry and in-flight limits.
    ///   - logger: Where the client logs (at debug level and below); never bootstrapped here.
    ///   - eventLoopGroup: The event loops for the connections; defaults to the shared
    ///     `MultiThreadedEventLoopGroup.singleton`.
    public init(
        endpoints: [KeelEndpoint],
        configuration: KeelClientConfiguration,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        precondition(!endpoints.isEmpty, "a KeelClient needs at least one endpoint")
        var seen = Set<KeelEndpoint>()
        self.endpoints = endpoints.filter { seen.insert($0).inserted }
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.writeSessions = WriteSessionPool(
            maximumSessions: configuration.maximumConcurrentWrites,
            idleLimit: configuration.writeSessionIdleLimit
        )
        self.logger = logger
        self.routing = Mutex(Routing())
    }

    /// Creates a client from `host:port` strings.
    /// - Parameters:
    ///   - endpoints: The client addresses of some or all nodes, as `host:port`; at least one.
    ///   - configuration: The cluster id, timeouts, retry and in-flight limits.
    ///   - logger: Where the client logs; never bootstrapped here.
    ///   - eventLoopGroup: The event loops for the connections.
    /// - Throws: ``KeelError/invalidEndpoint(_:)`` for an address that is not `host:port`.
    public convenience init(
        endpoints: [String],
        configuration: KeelClientConfiguration,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(KeelError) {
        var parsed: [KeelEndpoint] = []
        for text in endpoints {
            parsed.append(try KeelEndpoint(parsing: text))
        }
        guard !parsed.isEmpty else {
            throw .invalidEndpoint("")
        }
        self.init(endpoints: parsed, configuration: configuration, logger: logger, eventLoopGroup: eventLoopGroup)
    }

    /// Closes every connection. Calls still waiting fail with ``KeelError/shutDown``, and so
    /// does every later call. Does not shut down the event loop group.
    public func shutdown() async {
        let connections = self.routing.withLock { routing in
            routing.isShutDown = true
            return Array(routing.connections.values)
        }
        await withTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { await connection.shutdown() }
            }
        }
    }

    /// The node the client currently sends leader requests to, if it knows one.
    public var believedLeader: KeelEndpoint? {
        self.routing.withLock { $0.leader }
    }

    // MARK: - Executing requests

    /// Runs `operation` until it gets an answer, retrying what is safe to retry.
    ///
    /// A write gets its session and sequence number here, once, and keeps them through every
    /// retry: that is what lets the cluster recognise a retry and answer it with the first
    /// result.
    /// - Parameters:
    ///   - operation: What to send.
    ///   - route: Which node it must reach.
    ///   - timeout: The call's budget; the configured default when `nil`.
    ///   - retryAfterUnknownOutcome: `false` for operations without a session stamp that must
    ///     not be repeated once an attempt may have taken effect (membership changes).
    ///   - onCommitted: For a write: called with its entry's index when a node announces the
    ///     commit (``ClientResult/committed(index:)``), possibly more than once across retries.
    /// - Throws: ``KeelError`` or `CancellationError`.
    func execute(
        _ operation: ClientOperation,
        route: RequestRoute,
        timeout: Duration?,
        retryAfterUnknownOutcome: Bool = true,
        onCommitted: (@Sendable (UInt64) -> Void)? = nil
    ) async throws -> ClientResult {
        let deadline = NIODeadline.now() + TimeAmount(timeout ?? self.configuration.requestTimeout)
        guard operation.isWrite else {
            return try await self.attempt(
                operation,
                session: nil,
                route: route,
                deadline: deadline,
                retryAfterUnknownOutcome: retryAfterUnknownOutcome
            )
        }
        let lease: WriteSessionPool.Lease
        do {
            lease = try await self.writeSessions.lease(deadline: deadline, timerLoops: self.eventLoopGroup)
        } catch .cancelled {
            throw CancellationError()
        } catch {
            throw KeelError.unavailable(
                lastFailure: "all \(self.configuration.maximumConcurrentWrites) write sessions stayed busy until the deadline"
            )
        }
        do {
            let result = try await self.attempt(
                operation,
                session: WriteSession(clientID: lease.clientID, sequence: lease.sequence),
                route: route,
                deadline: deadline,
                retryAfterUnknownOutcome: retryAfterUnknownOutcome,
                onCommitted: onCommitted
            )
            self.writeSessions.giveBack(lease, outcome: .applied)
            return result
        } catch let error as KeelError where !error.outcomeIsUnknown {
            self.writeSessions.giveBack(lease, outcome: .notApplied)
            throw error
        } catch {
            self.writeSessions.giveBack(lease, outcome: .unknown)
            throw error
        }
    }

    /// The attempts of one call, until an answer, a non-retryable error or the deadline.
    private func attempt(
        _ operation: ClientOperation,
        session: WriteSession?,
        route: RequestRoute,
        deadline: NIODeadline,
        retryAfterUnknownOutcome: Bool,
        onCommitted: (@Sendable (UInt64) -> Void)? = nil
    ) async throws -> ClientResult {
        var attempt = RequestAttempts(route: route, operation: operation)
        var generator = SystemRandomNumberGenerator()

        while true {
            let (target, connection) = try self.destination(for: attempt)
            attempt.redirect = nil
            let retryAt: NIODeadline
            do {
                let response = try await connection.send(operation, session: session, deadline: deadline, onCommitted: onCommitted)
                switch response.result {
                case .error(let reply):
                    try self.handle(reply, from: target, attempt: &attempt)
                case .unknown:
                    throw KeelError.unexpectedResponse("a response without a result kind this client knows")
                default:
                    if route == .leader {
                        self.noteLeader(target)
                    }
                    return response.result
                }
            } catch let failure as ConnectionFailure {
                try self.handle(failure, from: target, attempt: &attempt)
            }
            if attempt.outcomeMayBeApplied && !retryAfterUnknownOutcome {
                throw KeelError.timedOut(lastFailure: attempt.lastFailure)
            }
            if attempt.retryImmediately {
                attempt.retryImmediately = false
                retryAt = .now()
            } else {
                let delay = self.configuration.retryBackoff.delay(attempt: attempt.backoffCount, using: &generator)
                attempt.backoffCount += 1
                retryAt = .now() + TimeAmount(delay)
            }
            guard retryAt < deadline else {
                throw attempt.deadlineError
            }
            self.logger.trace(
                "Retrying Keel request",
                metadata: [
                    "keel.node": "\(target)", "keel.failure": "\(attempt.lastFailure)",
                    "keel.sequence": "\(session?.sequence ?? 0)",
                ]
            )
            if retryAt > .now() {
                try await Task.sleep(for: Duration(retryAt - .now()))
            }
        }
    }

    /// Turns an error reply into a retry plan or a thrown ``KeelError``.
    private func handle(_ reply: ErrorReply, from target: KeelEndpoint, attempt: inout RequestAttempts) throws(KeelError) {
        attempt.lastFailure = "\(target) answered \(reply)"
        switch reply.code {
        case .notLeader:
            // Definitely not applied: a follower refuses before proposing.
            if let hint = try? KeelEndpoint(parsing: reply.leaderAddress), hint != target,
               attempt.route == .leader
            {
                self.noteLeader(hint)
                attempt.redirect = hint
                attempt.consecutiveRedirects += 1
                // Follow a fresh hint at once; hints that go round in circles (an election
                // in progress) get the backoff.
                attempt.retryImmediately = attempt.consecutiveRedirects <= 2
            } else {
                self.forgetLeader(target)
            }
        case .unavailable:
            // The node may have proposed the write before losing its leadership.
            attempt.noteMayHaveTakenEffect()
            self.forgetLeader(target)
        case .timeout:
            attempt.noteMayHaveTakenEffect()
        case .overloaded:
            break
        case .conditionFailed:
            throw .conditionFailed(message: reply.message)
        case .invalidArgument:
            throw .invalidArgument(message: reply.message)
        case .tooLarge:
            throw .tooLarge(message: reply.message)
        case .unknownCommand:
            throw .unknownCommand(message: reply.message)
        case .wrongCluster:
            throw .wrongCluster(endpoint: target, message: reply.message)
        case .unsupportedVersion:
            throw .unsupportedVersion(endpoint: target, message: reply.message)
        default:
            throw .serverFailure(code: reply.code.rawValue, message: reply.message)
        }
        if reply.code != .notLeader {
            attempt.consecutiveRedirects = 0
        }
    }

    /// Turns a connection failure into a retry plan or a thrown error.
    private func handle(_ failure: ConnectionFailure, from target: KeelEndpoint, attempt: inout RequestAttempts) throws {
        attempt.consecutiveRedirects = 0
        switch failure {
        case .connectFailed(let reason):
            attempt.lastFailure = "cannot connect to \(target): \(reason)"
            self.forgetLeader(target)
        case .handshakeRejected(let reply):
            switch reply.code {
            case .wrongCluster:
                throw KeelError.wrongCluster(endpoint: target, message: reply.message)
            case .unsupportedVersion:
                throw KeelError.unsupportedVersion(endpoint: target, message: reply.message)
            default:
                attempt.lastFailure = "\(target) refused the connection: \(reply)"
                self.forgetLeader(target)
            }
        case .lost(let reason, let requestSent):
            attempt.lastFailure = "connection to \(target) lost: \(reason)"
            if requestSent { attempt.noteMayHaveTakenEffect() }
            self.forgetLeader(target)
        case .deadlinePassed(let requestSent):
            if requestSent {
                attempt.noteMayHaveTakenEffect()
                attempt.lastFailure = "\(target) did not answer in time"
            }
            throw attempt.deadlineError
        case .cancelled:
            throw CancellationError()
        case .shutDown:
            throw KeelError.shutDown
        case .undecodableResponse(let reason):
            throw KeelError.unexpectedResponse("from \(target): \(reason)")
        case .requestTooLarge(let bytes, let limit):
            throw KeelError.tooLarge(message: "the request is \(bytes) bytes, over the \(limit)-byte frame limit")
        }
    }

    /// The node the next attempt goes to and the connection to it, chosen under one lock.
    private func destination(for attempt: RequestAttempts) throws(KeelError) -> (KeelEndpoint, NodeConnection) {
        try self.routing.withLock { routing throws(KeelError) -> (KeelEndpoint, NodeConnection) in
            guard !routing.isShutDown else {
                throw .shutDown
            }
            let endpoint = attempt.redirect ?? self.target(for: attempt.route, routing: &routing)
            return (endpoint, self.connection(to: endpoint, routing: &routing))
        }
    }

    private func target(for route: RequestRoute, routing: inout Routing) -> KeelEndpoint {
        switch route {
        case .node(let endpoint):
            return endpoint
        case .anyNode:
            let endpoint = self.endpoints[routing.nextStaleReadNode % self.endpoints.count]
            routing.nextStaleReadNode &+= 1
            return endpoint
        case .leader:
            if let leader = routing.leader {
                return leader
            }
            // No leader known: ask the configured nodes in turn; any of them names it.
            let endpoint = self.endpoints[routing.nextLeaderCandidate % self.endpoints.count]
            routing.nextLeaderCandidate &+= 1
            return endpoint
        }
    }

    private func connection(to endpoint: KeelEndpoint, routing: inout Routing) -> NodeConnection {
        if let connection = routing.connections[endpoint] {
            return connection
        }
        let connection = NodeConnection(
            endpoint: endpoint,
            configuration: self.configuration,
            eventLoopGroup: self.eventLoopGroup,
            logger: self.logger
        )
        routing.connections[endpoint] = connection
        return connection
    }

    /// Makes the next leader request start from the configured endpoints again.
    func forgetBelievedLeader() {
        self.routing.withLock { $0.leader = nil }
    }

    private func noteLeader(_ endpoint: KeelEndpoint) {
        self.routing.withLock { routing in
            if routing.leader != endpoint {
                routing.leader = endpoint
                self.logger.debug("Keel leader found", metadata: ["keel.leader": "\(endpoint)"])
            }
        }
    }

    private func forgetLeader(_ endpoint: KeelEndpoint) {
        self.routing.withLock { routing in
            if routing.leader == endpoint {
                routing.leader = nil
            }
        }
    }
}

/// What one call has learned across its attempts.
private struct RequestAttempts {
    let route: RequestRoute
    /// Set once any attempt may have taken effect; it stays set (a later refusal does not
    /// undo an earlier application). Never set for a read, which changes nothing.
    private(set) var outcomeMayBeApplied = false
    private let isRead: Bool
    var lastFailure = "no attempt finished"
    var redirect: KeelEndpoint?
    var consecutiveRedirects = 0
    var retryImmediately = false
    var backoffCount = 0

    init(route: RequestRoute, operation: ClientOperation) {
        self.route = route
        self.isRead = operation.isRead
    }

    /// An attempt reached a node and its fate is not known: a write or an admin change may
    /// have been applied. A read may simply be retried.
    mutating func noteMayHaveTakenEffect() {
        if !self.isRead { self.outcomeMayBeApplied = true }
    }

    var deadlineError: KeelError {
        self.outcomeMayBeApplied ? .timedOut(lastFailure: self.lastFailure) : .unavailable(lastFailure: self.lastFailure)
    }
}
