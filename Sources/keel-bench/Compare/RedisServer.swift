import Foundation
import KeelTestKit

/// One Redis server on loopback with the append-only file on and `appendfsync always`, in a
/// temporary directory removed by ``shutdown()``.
final class RedisServer: Sendable {
    let root: String
    let port: Int
    private let server: ExternalServer
    private let cli: String

    init(executable: String, cli: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("keel-compare-redis-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        port = try LocalCluster.freePort()
        self.cli = cli
        let arguments = [
            "--port", "\(port)", "--bind", "127.0.0.1", "--dir", root, "--appendonly", "yes", "--appendfsync", "always",
            "--save", "", "--daemonize", "no", "--protected-mode", "no", "--logfile", "",
        ]
        server = ExternalServer(name: "redis", executable: executable, arguments: arguments, logFile: "\(root)/redis.log")
    }

    func start() async throws {
        try server.start()
        _ = try await waitUntil("redis to answer PING") { () -> Bool? in
            (try? await command(["PING"]))?.contains("PONG") == true ? true : nil
        }
    }

    /// One command through redis-cli; returns its output.
    @discardableResult
    func command(_ arguments: [String]) async throws -> String {
        try await ToolRun(executable: cli, arguments: ["-h", "127.0.0.1", "-p", "\(port)"] + arguments).outputInBackground()
    }

    func shutdown() {
        server.stop()
        try? FileManager.default.removeItem(atPath: root)
    }
}
