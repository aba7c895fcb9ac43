import ArgumentParser
import Foundation
import KeelClient

/// Where the cluster is and how long to wait: shared by every subcommand.
struct ConnectionOptions: ParsableArguments {
    static let defaultEndpoints = "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103"
    static let defaultClusterID = "keel-local"

    @Option(help: "Client addresses of the nodes, host:port,... (default: KEEL_ENDPOINTS or \(defaultEndpoints)).")
    var endpoints: String?

    @Option(name: .customLong("cluster-id"), help: "The cluster's id (default: KEEL_CLUSTER_ID or \(defaultClusterID)).")
    var clusterID: String?

    @Option(help: "Seconds a command may wait for the cluster.")
    var timeout: Double = 5

    @Flag(help: "Print JSON for machines instead of text for people.")
    var json = false

    var resolvedEndpoints: [String] {
        let text = endpoints ?? ProcessInfo.processInfo.environment["KEEL_ENDPOINTS"] ?? Self.defaultEndpoints
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    var resolvedClusterID: String {
        clusterID ?? ProcessInfo.processInfo.environment["KEEL_CLUSTER_ID"] ?? Self.defaultClusterID
    }

    var duration: Duration { .milliseconds(Int64(timeout * 1000)) }

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        let endpoints = resolvedEndpoints
        guard !endpoints.isEmpty else { throw ValidationError("no endpoints: give --endpoints host:port,...") }
        for endpoint in endpoints {
            do {
                _ = try KeelEndpoint(parsing: endpoint)
            } catch {
                throw ValidationError("\"\(endpoint)\" is not host:port")
            }
        }
        guard !resolvedClusterID.isEmpty else { throw ValidationError("--cluster-id must not be empty") }
    }

    /// Connects, runs `body`, and disconnects; a failure is explained on standard error and
    /// becomes the matching exit status.
    func withCluster<Result>(_ body: (ClusterConnection) async throws -> Result) async throws -> Result {
        let connection = try ClusterConnection(options: self)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            let failure = await connection.explain(error)
            await connection.close()
            FileHandle.standardError.write(Data("keelctl: \(failure.message)\n".utf8))
            throw ExitCode(failure.status.rawValue)
        }
    }
}
