import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KeelTestKit

/// Three etcd members on loopback with default settings (fsync on), in a temporary directory
/// removed by ``shutdown()``. Writes and status go through etcd's JSON gateway (/v3/...).
final class EtcdCluster: @unchecked Sendable {
    // @unchecked: every stored property is a constant; URLSession is safe to use from any
    // thread (its Sendable annotation differs between Foundation implementations).
    struct Member: Sendable {
        let name: String
        let clientURL: String
        let server: ExternalServer
    }

    let root: String
    let members: [Member]
    private let session: URLSession

    init(executable: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("keel-compare-etcd-\(UUID().uuidString)").path
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let ports = try (0..<3).map { _ in (client: try LocalCluster.freePort(), peer: try LocalCluster.freePort()) }
        let initialCluster = ports.enumerated().map { "m\($0.offset + 1)=http://127.0.0.1:\($0.element.peer)" }.joined(separator: ",")
        let token = "keel-compare-\(UInt32.random(in: 0...UInt32.max))"
        members = ports.enumerated().map { offset, port in
            let name = "m\(offset + 1)"
            let clientURL = "http://127.0.0.1:\(port.client)"
            let arguments = [
                "--name", name, "--data-dir", "\(root)/\(name)",
                "--listen-client-urls", clientURL, "--advertise-client-urls", clientURL,
                "--listen-peer-urls", "http://127.0.0.1:\(port.peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(port.peer)",
                "--initial-cluster", initialCluster, "--initial-cluster-state", "new", "--initial-cluster-token", token,
                "--log-level", "warn",
            ]
            return Member(
                name: name, clientURL: clientURL,
                server: ExternalServer(name: "etcd \(name)", executable: executable, arguments: arguments, logFile: "\(root)/\(name).log")
            )
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 2
        configuration.httpMaximumConnectionsPerHost = 1_000
        session = URLSession(configuration: configuration)
    }

    var endpoints: String { members.map(\.clientURL).joined(separator: ",") }

    func start() async throws {
        for member in members { try member.server.start() }
        _ = try await waitUntil("an etcd leader") { try await self.leaderIndex() }
    }

    /// Index in ``members`` of the member that leads, when a running member says so.
    func leaderIndex() async throws -> Int? {
        for (index, member) in members.enumerated() where member.server.isRunning {
            guard let status = try? await post(member, path: "/v3/maintenance/status", body: [:]),
                  let header = status["header"] as? [String: Any],
                  let memberID = header["member_id"].map({ "\($0)" }),
                  let leader = status["leader"].map({ "\($0)" }) else { continue }
            if memberID == leader { return index }
        }
        return nil
    }

    /// A put through member `index`'s gateway; true when acknowledged.
    func put(key: String, value: [UInt8], through index: Int) async -> Bool {
        let body = ["key": Data(key.utf8).base64EncodedString(), "value": Data(value).base64EncodedString()]
        guard let answer = try? await post(members[index], path: "/v3/kv/put", body: body) else { return false }
        return answer["header"] != nil
    }

    func kill(_ index: Int) { members[index].server.kill() }

    func restart(_ index: Int) throws { try members[index].server.start() }

    /// Waits until every member answers and they agree on a leader.
    func waitUntilHealthy(timeout: Duration = .seconds(60)) async throws {
        _ = try await waitUntil("every etcd member healthy", timeout: timeout) { () -> Bool? in
            for member in self.members {
                guard let status = try? await self.post(member, path: "/v3/maintenance/status", body: [:]),
                      status["leader"] != nil else { return nil }
            }
            return true
        }
    }

    func shutdown() {
        for member in members { member.server.stop() }
        try? FileManager.default.removeItem(atPath: root)
    }

    private func post(_ member: Member, path: String, body: [String: String]) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: member.clientURL + path)!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let data: Data = try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error { return continuation.resume(throwing: error) }
                guard let http = response as? HTTPURLResponse, http.statusCode == 200, let data else {
                    return continuation.resume(throwing: ToolRun.Failure(description: "etcd answered \((response as? HTTPURLResponse)?.statusCode ?? 0)"))
                }
                continuation.resume(returning: data)
            }.resume()
        }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ToolRun.Failure(description: "etcd answered something other than a JSON object")
        }
        return object
    }
}

/// Polls `condition` every 50 ms until it returns a value or `timeout` passes.
func waitUntil<Value>(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Value?) async throws -> Value {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if let value = try? await condition() { return value }
        if clock.now >= deadline { throw ToolRun.Failure(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}
