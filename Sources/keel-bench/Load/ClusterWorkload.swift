import ArgumentParser
import Foundation

/// A workload against a cluster: parsed like any subcommand, run alone (`keel-bench put ...`)
/// or by `keel-bench suite` and `keel-bench compare` on a cluster they share.
protocol ClusterWorkload: AsyncParsableCommand {
    var cluster: ClusterOptions { get }
    var load: LoadOptions { get }
    /// Prepares the data it needs, runs the load and reports.
    func measure(on target: BenchTarget) async throws -> WorkloadReport
}

extension ClusterWorkload {
    mutating func run() async throws {
        let target = try await cluster.target()
        let report: WorkloadReport
        do {
            var measured = try await measure(on: target)
            measured.command = CommandLine.arguments.dropFirst().joined(separator: " ")
            report = measured
        } catch {
            await target.shutdown()
            throw error
        }
        await target.shutdown()
        try load.emit(report)
    }

    /// Parses `arguments` (after the subcommand name) and measures on `target`, for the suite
    /// and the comparison; the report's command is the subcommand and these arguments.
    /// - Parameter quiet: no progress line (as with `--json`).
    static func measure(_ arguments: [String], on target: BenchTarget, quiet: Bool) async throws -> WorkloadReport {
        let extra = ["--endpoints", target.endpoints.joined(separator: ","), "--cluster-id", target.clusterID]
        let workload = try parse(arguments + extra + (quiet ? ["--json", "/dev/null"] : []))
        var report = try await workload.measure(on: target)
        report.command = ([configuration.commandName ?? ""] + arguments).joined(separator: " ")
        return report
    }
}
