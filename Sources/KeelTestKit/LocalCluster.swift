import Foundation
import Synchronization
import KeelWire

#if canImport(Glibc)
import Glibc
#endif

/// Real `keel-server` processes on loopback, with random free ports and temporary data
/// directories, for integration tests. Call ``shutdown()`` in `tearDown`: it kills every
/// process the cluster started and removes its files.
public final class LocalCluster {
    /// One node's identity and where it lives.
    public struct Node {
        public let id: UInt64
        public let clientPort: Int
        public let peerPort: Int
        /// The port of the node's Prometheus endpoint (`GET /metrics`).
        public let metricsPort: Int
        public let dataDirectory: String
        public let logFile: String
        public var join: Bool
        public var clientAddress: String { "127.0.0.1:\(clientPort)" }
        public var peerAddress: String { "127.0.0.1:\(peerPort)" }
        public var metricsAddress: String { "127.0.0.1:\(metricsPort)" }
    }

    /// Raised when something does not happen before its deadline.
    public struct TimeoutError: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    public let clusterID: String
    public let root: String
    public private(set) var nodes: [UInt64: Node] = [:]
    /// The address the other nodes are given for a node's peer port in `--peers` (for
    /// example a fault-injecting proxy in front of it); `nil` gives them the node's own port.
    /// Set it before ``start()``.
    public var peerRoute: ((Node) -> String)?
    /// Whether ``shutdown()`` leaves the data directories and logs behind (to inspect a
    /// failed run); the processes are killed either way.
    public var keepsFilesOnShutdown = false
    private var processes: [UInt64: Process] = [:]
    private var paused: Set<UInt64> = []
    private let extraArguments: [String]
    private let initialIDs: [UInt64]

    /// Prepares (without starting) a cluster of `count` nodes with ids 1...count.
    /// - Parameter extraArguments: more `keel-server` options for every node (timing,
    ///   snapshot thresholds).
    public init(count: Int, extraArguments: [String] = []) throws {
        clusterID = "test-\(UInt32.random(in: 0...UInt32.max))"
        root = FileManager.default.temporaryDirectory.appendingPathComponent("keel-cluster-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        self.extraArguments = extraArguments
        initialIDs = (1...UInt64(count)).map { $0 }
        for id in initialIDs {
            nodes[id] = try makeNode(id: id, join: false)
        }
    }

    deinit {
        shutdown()
    }

    private func makeNode(id: UInt64, join: Bool) throws -> Node {
        let directory = (root as NSString).appendingPathComponent("node\(id)")
        return Node(
            id: id, clientPort: try Self.freePort(), peerPort: try Self.freePort(), metricsPort: try Self.freePort(),
            dataDirectory: directory,
            logFile: (root as NSString).appendingPathComponent("node\(id).log"), join: join
        )
    }

    /// The built `keel-server` next to the running test bundle.
    public static func serverExecutable() throws -> String {
        if let path = ProcessInfo.processInfo.environment["KEEL_SERVER_BINARY"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("keel-server").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw TimeoutError(description: "keel-server not found next to \(CommandLine.arguments[0]); run swift build first")
    }

    /// Starts every node that is not running.
    public func start() throws {
        for id in nodes.keys.sorted() where processes[id] == nil {
            try start(id)
        }
    }

    /// Starts node `id` (again) on its ports and data directory.
    public func start(_ id: UInt64) throws {
        guard let node = nodes[id], processes[id] == nil else { return }
        let peers = initialIDs.compactMap { nodes[$0] }.map { "\($0.id)=\(peerRoute?($0) ?? $0.peerAddress)" }
            .joined(separator: ",")
        var arguments = [
            "--id", "\(id)", "--cluster-id", clusterID, "--client-address", node.clientAddress,
            "--peer-address", node.peerAddress, "--data-dir", node.dataDirectory, "--log-level", "info",
            "--metrics-address", node.metricsAddress,
        ]
        if node.join {
            arguments.append("--join")
        } else {
            arguments += ["--peers", peers]
        }
        arguments += extraArguments
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.serverExecutable())
        process.arguments = arguments
        if !FileManager.default.fileExists(atPath: node.logFile) {
            _ = FileManager.default.createFile(atPath: node.logFile, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: node.logFile))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log.close()
        ProcessRegistry.register(process)
        processes[id] = process
    }

    /// Adds a node that starts empty with `--join` (the caller then adds it as a learner).
    public func addJoiningNode() throws -> Node {
        let id = (nodes.keys.max() ?? 0) + 1
        let node = try makeNode(id: id, join: true)
        nodes[id] = node
        try start(id)
        return node
    }

    /// SIGKILL: the node dies at once, losing whatever was not durable.
    public func kill(_ id: UInt64) {
        guard let process = processes.removeValue(forKey: id) else { return }
        paused.remove(id)
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        ProcessRegistry.unregister(process)
    }

    /// SIGTERM and wait (the graceful path), with SIGKILL after `timeout`.
    /// - Returns: the exit status, or nil if it had to be killed.
    @discardableResult
    public func terminate(_ id: UInt64, timeout: TimeInterval = 20) -> Int32? {
        guard let process = processes.removeValue(forKey: id) else { return nil }
        defer { ProcessRegistry.unregister(process) }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGTERM) }
        // A stopped process would never handle the SIGTERM.
        if paused.remove(id) != nil { Glibc.kill(process.processIdentifier, SIGCONT) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// SIGSTOP: the node freezes with its sockets open, as in a long GC pause or a hung VM.
    public func pause(_ id: UInt64) {
        guard let process = processes[id], process.isRunning, !paused.contains(id) else { return }
        Glibc.kill(process.processIdentifier, SIGSTOP)
        paused.insert(id)
    }

    /// SIGCONT: a node stopped by ``pause(_:)`` carries on where it was.
    public func resume(_ id: UInt64) {
        guard paused.remove(id) != nil, let process = processes[id] else { return }
        Glibc.kill(process.processIdentifier, SIGCONT)
    }

    /// Whether node `id` is stopped by ``pause(_:)``.
    public func isPaused(_ id: UInt64) -> Bool {
        paused.contains(id)
    }

    /// Whether node `id` has a running process.
    public func isRunning(_ id: UInt64) -> Bool {
        processes[id]?.isRunning ?? false
    }

    /// Kills every process and removes the cluster's files (unless ``keepsFilesOnShutdown``).
    public func shutdown() {
        for id in Array(processes.keys) { kill(id) }
        if !keepsFilesOnShutdown { try? FileManager.default.removeItem(atPath: root) }
    }

    /// Kills every process and removes the files, like ``shutdown()``; when `failed`, first
    /// prints the tail of every node's log, so that a failed test's output shows what the
    /// servers did.
    public func shutdown(printingLogsIf failed: Bool) {
        if failed {
            for id in nodes.keys.sorted() {
                print("---- node \(id) log tail ----\n\(logTail(id))")
            }
        }
        shutdown()
    }

    /// A connected client for node `id`.
    public func client(_ id: UInt64, receiveTimeout: TimeInterval = 15) throws -> WireClient {
        guard let node = nodes[id] else { throw TimeoutError(description: "no node \(id)") }
        return try WireClient(port: node.clientPort, clusterID: clusterID, receiveTimeout: receiveTimeout)
    }

    /// Node `id`'s status, or nil when it does not answer.
    public func status(_ id: UInt64) -> NodeStatus? {
        guard let client = try? client(id, receiveTimeout: 2),
              case .admin(.status(let status))? = try? client.call(.admin(.status)) else { return nil }
        return status
    }

    /// Waits until a running node reports itself leader and every other running voter that
    /// answers agrees.
    /// - Parameter excluding: nodes not to accept as leader.
    public func waitForLeader(timeout: TimeInterval = 20, excluding: Set<UInt64> = []) throws -> UInt64 {
        try waitFor("a leader", timeout: timeout) {
            let statuses = nodes.keys.filter { isRunning($0) }.compactMap { status($0) }
            guard let leader = statuses.first(where: { $0.role == .leader && !excluding.contains($0.nodeID) }) else { return nil }
            let agreeing = statuses.filter { $0.leaderID == leader.nodeID && $0.term == leader.term }
            return agreeing.count * 2 > statuses.filter(\.isVoter).count ? leader.nodeID : nil
        }
    }

    /// Polls `condition` every 50 ms until it returns a value or `timeout` passes.
    public func waitFor<Value>(_ what: String, timeout: TimeInterval = 20, _ condition: () throws -> Value?) throws -> Value {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let value = try? condition() { return value }
            if Date() >= deadline { throw TimeoutError(description: "timed out waiting for \(what)") }
            usleep(50_000)
        }
    }

    /// The last `lines` lines of node `id`'s log, for failure messages.
    public func logTail(_ id: UInt64, lines: Int = 40) -> String {
        guard let node = nodes[id], let text = try? String(contentsOfFile: node.logFile, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// A TCP port that was free a moment ago on 127.0.0.1, and that no other call in this
    /// process has returned.
    ///
    /// Picked at random below the kernel's range of ephemeral ports (from which every
    /// outgoing connection takes its local port): a port the kernel handed out for "any free
    /// port" could be taken by one of those connections between this call and the server's
    /// bind, which failed a test now and then with "Address already in use".
    public static func freePort() throws -> Int {
        let ephemeralStart = Self.ephemeralPortRangeStart()
        let lowest = 10_000
        if ephemeralStart - 1 - lowest >= 1_000 {
            for _ in 0..<500 {
                let port = Int.random(in: lowest..<ephemeralStart)
                guard Self.handedOutPorts.withLock({ $0.insert(port).inserted }) else { continue }
                if Self.isFreeOnLoopback(port) { return port }
            }
        }
        // No room below the ephemeral range (an unusual kernel setting): any free port.
        guard let port = try Self.bindLoopback(port: 0) else { throw TimeoutError(description: "bind failed") }
        return port
    }

    private static let handedOutPorts = Mutex<Set<Int>>([])

    /// Whether a socket can bind 127.0.0.1:`port` right now.
    public static func isFreeOnLoopback(_ port: Int) -> Bool {
        (try? Self.bindLoopback(port: port)).flatMap { $0 } != nil
    }

    /// The first port of `net.ipv4.ip_local_port_range` (32768 unless configured otherwise):
    /// ports from there up are the kernel's to give to outgoing connections.
    public static func ephemeralPortRangeStart() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } ?? 32_768
    }

    /// Binds a socket to 127.0.0.1:`port` and closes it again.
    /// - Returns: The port bound (the kernel's choice for 0), or `nil` when it is in use.
    private static func bindLoopback(port: Int) throws -> Int? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TimeoutError(description: "socket failed") }
        defer { _ = close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
