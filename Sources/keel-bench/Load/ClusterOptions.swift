import ArgumentParser
import Foundation

/// Where the load goes: `--endpoints` (or `KEEL_ENDPOINTS`), or `--local`: a fresh release
/// 3-node cluster started here and stopped at the end.
struct ClusterOptions: ParsableArguments {
    @Option(help: "Client addresses of a running cluster, host:port,... (default: $KEEL_ENDPOINTS).")
    var endpoints: String?

    @Option(name: .customLong("cluster-id"), help: "The running cluster's id (default: $KEEL_CLUSTER_ID, else keel).")
    var clusterID: String?

    @Option(
        name: .customLong("metrics-endpoints"),
        help: "The running cluster's metrics addresses, host:port,... (default: $KEEL_METRICS_ENDPOINTS): the servers' CPU and latency figures, as with --local."
    )
    var metricsEndpoints: String?

    @Flag(help: "Start three release keel-server processes on loopback (the keel-server next to this program), fsync on, and stop them after.")
    var local = false

    @Option(
        parsing: .unconditional,
        help: "More keel-server options for every --local node, in one argument (e.g. \"--tick-ms 50 --election-ticks 6\")."
    )
    var serverArguments: String?

    private var endpointList: [String]? {
        let text = endpoints ?? ProcessInfo.processInfo.environment["KEEL_ENDPOINTS"]
        let list = text?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return list?.isEmpty == false ? list : nil
    }

    private var metricsList: [String] {
        let text = metricsEndpoints ?? ProcessInfo.processInfo.environment["KEEL_METRICS_ENDPOINTS"]
        return text?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? []
    }

    func validate() throws {
        if local && endpoints != nil { throw ValidationError("give --endpoints or --local, not both") }
        if local && metricsEndpoints != nil { throw ValidationError("--metrics-endpoints is for --endpoints; --local knows its nodes' own") }
        if serverArguments != nil && !local { throw ValidationError("--server-arguments needs --local") }
        if !local && endpointList == nil { throw ValidationError("give --endpoints (or KEEL_ENDPOINTS) or --local") }
    }

    /// The target: the given cluster, or a local one started now.
    func target() async throws -> BenchTarget {
        if local { return try await BenchTarget.startLocal(extraServerArguments: extraServerArguments) }
        let id = clusterID ?? ProcessInfo.processInfo.environment["KEEL_CLUSTER_ID"] ?? "keel"
        return BenchTarget(endpoints: endpointList ?? [], clusterID: id, local: nil, metricsAddresses: metricsList)
    }

    /// `--server-arguments` split into words.
    var extraServerArguments: [String] {
        serverArguments?.split(separator: " ").map(String.init) ?? []
    }
}
