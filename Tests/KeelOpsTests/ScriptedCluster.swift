import Foundation
import KeelTestKit

#if canImport(Glibc)
import Glibc
#endif

/// A cluster run through the `cluster/` scripts exactly as an operator would, but on its own
/// free ports and in a temporary directory (KEEL_PORT_BASE, KEEL_CLUSTER_DIR), with the
/// debug binaries next to the test bundle (KEEL_BIN_DIR). ``shutdown()`` stops every node
/// the scripts started, by the scripts and then by pid, and removes the directory.
final class ScriptedCluster {
    struct ScriptResult {
        var status: Int32
        var output: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `keelctl status --json`, as far as the tests read it.
    struct StatusReport: Decodable {
        struct Node: Decodable {
            var id: UInt64?
            var address: String
            var reachable: Bool
            var role: String
            var voter: Bool?
            var term: UInt64?
            var appliedIndex: UInt64?
            var lag: UInt64?
        }

        var leader: UInt64?
        var nodes: [Node]

        var leaders: [Node] { nodes.filter { $0.role == "leader" } }
    }

    let root: String
    let portBase: Int
    let binDirectory: String
    let scriptDirectory: String
    private var startedPIDs: Set<Int32> = []

    init() throws {
        let server = try LocalCluster.serverExecutable()
        binDirectory = (server as NSString).deletingLastPathComponent
        guard FileManager.default.isExecutableFile(atPath: (binDirectory as NSString).appendingPathComponent("keelctl")) else {
            throw Failure(description: "keelctl is not built next to keel-server in \(binDirectory)")
        }
        scriptDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("cluster").path
        root = FileManager.default.temporaryDirectory.appendingPathComponent("keel-ops-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        portBase = try Self.freePortBase()
    }

    deinit {
        shutdown()
    }

    var environment: [String: String] {
        // Nothing of an operator's own KEEL_* settings may steer the test's cluster.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KEEL_") }
        environment["KEEL_CLUSTER_DIR"] = root
        environment["KEEL_PORT_BASE"] = "\(portBase)"
        environment["KEEL_BIN_DIR"] = binDirectory
        environment["KEEL_LEADER_TIMEOUT"] = "60"
        environment["KEEL_STOP_TIMEOUT"] = "10"
        environment["KEEL_ENDPOINTS"] = (1...3).map { clientAddress($0) }.joined(separator: ",")
        environment["KEEL_CLUSTER_ID"] = clusterID
        return environment
    }

    var clusterID: String { "ops-test-\(portBase)" }

    func clientAddress(_ node: Int) -> String { "127.0.0.1:\(portBase + 100 + node)" }
    func metricsURL(_ node: Int) -> URL { URL(string: "http://127.0.0.1:\(portBase + 300 + node)/metrics")! }

    /// Runs `cluster/<script>` and returns its exit status and output (stdout and stderr).
    @discardableResult
    func run(_ script: String, _ arguments: String..., timeout: TimeInterval = 180) throws -> ScriptResult {
        defer { notePIDs() }
        return try execute((scriptDirectory as NSString).appendingPathComponent(script), arguments, timeout: timeout)
    }

    /// Runs `cluster/<script>` and fails unless it exits 0.
    @discardableResult
    func runSuccessfully(_ script: String, _ arguments: String..., timeout: TimeInterval = 180) throws -> String {
        defer { notePIDs() }
        let result = try execute((scriptDirectory as NSString).appendingPathComponent(script), arguments, timeout: timeout)
        guard result.status == 0 else {
            throw Failure(description: "cluster/\(script) \(arguments.joined(separator: " ")) exited \(result.status):\n\(result.output)\n\(logTails())")
        }
        return result.output
    }

    /// Runs keelctl against this cluster (every node up to `nodes`).
    @discardableResult
    func keelctl(_ arguments: [String], nodes: Int = 3) throws -> ScriptResult {
        let endpoints = (1...nodes).map { clientAddress($0) }.joined(separator: ",")
        let all = arguments.contains("--endpoints") ? arguments : arguments + ["--endpoints", endpoints]
        return try execute((binDirectory as NSString).appendingPathComponent("keelctl"), all, timeout: 60)
    }

    func status(nodes: Int = 3) throws -> StatusReport {
        let result = try keelctl(["status", "--json", "--timeout", "2"], nodes: nodes)
        guard let start = result.output.firstIndex(of: "{") else {
            throw Failure(description: "keelctl status printed no JSON (exit \(result.status)): \(result.output)")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(StatusReport.self, from: Data(result.output[start...].utf8))
    }

    /// Polls `condition` every 100 ms until it returns a value or `timeout` passes.
    @discardableResult
    func waitFor<Value>(_ what: String, timeout: TimeInterval = 60, _ condition: () throws -> Value?) throws -> Value {
        let deadline = Date().addingTimeInterval(timeout)
        var lastError: (any Error)?
        while true {
            do {
                if let value = try condition() { return value }
            } catch {
                lastError = error
            }
            if Date() >= deadline {
                throw Failure(description: "timed out waiting for \(what)\(lastError.map { " (last error: \($0))" } ?? "")\n\(logTails())")
            }
            usleep(100_000)
        }
    }

    /// The pids in the run directory's pid files.
    func pidsInRunDirectory() -> [Int32] {
        let run = (root as NSString).appendingPathComponent("run")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: run)) ?? []
        return files.filter { $0.hasSuffix(".pid") }.compactMap {
            (try? String(contentsOfFile: (run as NSString).appendingPathComponent($0), encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    /// Every pid this cluster's scripts have started that is still a live process.
    var livePIDs: [Int32] {
        startedPIDs.filter { Glibc.kill($0, 0) == 0 && !Self.isZombie($0) }.sorted()
    }

    /// `cluster/down`, then SIGKILL for anything the scripts started that still runs, then
    /// removes the directory. Safe to call twice.
    func shutdown() {
        notePIDs()
        if FileManager.default.fileExists(atPath: root) {
            _ = try? execute((scriptDirectory as NSString).appendingPathComponent("down"), [], timeout: 60)
        }
        for pid in livePIDs { Glibc.kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: root)
    }

    func logTails() -> String {
        let logs = (root as NSString).appendingPathComponent("logs")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []).sorted()
        return files.map { file in
            let text = (try? String(contentsOfFile: (logs as NSString).appendingPathComponent(file), encoding: .utf8)) ?? ""
            return "--- \(file)\n" + text.split(separator: "\n").suffix(15).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    // MARK: Processes

    private func notePIDs() {
        startedPIDs.formUnion(pidsInRunDirectory())
    }

    private func execute(_ path: String, _ arguments: [String], timeout: TimeInterval) throws -> ScriptResult {
        let outputPath = (root as NSString).appendingPathComponent("script-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? output.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw Failure(description: "\(path) \(arguments) ran over \(Int(timeout))s:\n\(text)")
        }
        process.waitUntilExit()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return ScriptResult(status: process.terminationStatus, output: text)
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    /// A base B such that B+101...B+109, B+201...B+209 and B+301...B+309 are free now, all
    /// below the ephemeral range (see `LocalCluster.freePort()`: an outgoing connection could
    /// take a port in that range before the scripts' nodes bind it).
    private static func freePortBase() throws -> Int {
        let highestBase = (LocalCluster.ephemeralPortRangeStart() - 400) / 1000
        guard highestBase >= 10 else { throw Failure(description: "no port range below the ephemeral ports") }
        for _ in 0..<50 {
            let base = Int.random(in: 10...highestBase) * 1000
            let ports = [100, 200, 300].flatMap { offset in (1...9).map { base + offset + $0 } }
            if ports.allSatisfy(LocalCluster.isFreeOnLoopback) { return base }
        }
        throw Failure(description: "no free port range found")
    }
}
