import ArgumentParser
import Foundation

/// The standard suite of `make bench`: the fsync probe, then every workload for `--duration`
/// seconds against one cluster (the feed workload after the others, on the same cluster), then
/// the results table rewritten in docs/benchmarks.md.
struct SuiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suite", abstract: "The standard suite (make bench): every workload against one cluster, then the table in --doc."
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Measured seconds per workload.")
    var duration: Double = 10

    @Option(help: "Leader kills of the failover workload (only with --local; 0 leaves it out).")
    var failoverTrials = 5

    @Option(help: "Markdown file whose generated suite section is rewritten (docs/benchmarks.md).")
    var doc: String?

    @Option(help: "Write every report as a JSON array to this file.")
    var json: String?

    /// One row: the workload and its arguments (without cluster, duration and warm-up).
    private struct Row {
        var type: any ClusterWorkload.Type
        var arguments: [String]
        var purpose: String
    }

    private var rows: [Row] {
        let many = ["--connections", "4", "--concurrency", "64"]
        var rows = [
            Row(type: PutWorkload.self, arguments: ["--connections", "1", "--concurrency", "1"], purpose: "one client, one put at a time"),
            Row(type: PutWorkload.self, arguments: many, purpose: "puts, 64 in flight"),
            Row(type: PutWorkload.self, arguments: ["--connections", "8", "--concurrency", "1000"], purpose: "puts, 1,000 in flight (etcd's check perf xl client count)"),
            Row(type: GetWorkload.self, arguments: many + ["--consistency", "linearizable"], purpose: "gets, linearizable"),
            Row(type: GetWorkload.self, arguments: many + ["--consistency", "lease"], purpose: "gets, lease"),
            Row(type: GetWorkload.self, arguments: many + ["--consistency", "stale"], purpose: "gets, stale (any node)"),
            Row(type: CompareAndSetWorkload.self, arguments: many, purpose: "compare-and-set"),
            Row(type: IncrementWorkload.self, arguments: many, purpose: "counter increments"),
            Row(type: SortedSetAddWorkload.self, arguments: ["--connections", "50", "--concurrency", "50", "--keys", "1", "--member-space", "100000", "--random-score"], purpose: "ZADD-equivalent, 50 clients"),
            Row(type: FanoutWorkload.self, arguments: many + ["--keys", "10000", "--sets-per-command", "100"], purpose: "fanout, 100 sets per command"),
            Row(
                type: FanoutWorkload.self, arguments: many + ["--keys", "10000", "--sets-per-command", "100", "--entry-keyed"],
                purpose: "fanout, 100 entry-keyed sets per command"
            ),
            Row(type: RangeWorkload.self, arguments: ["--connections", "1", "--concurrency", "1", "--keys", "1", "--consistency", "stale"], purpose: "30 of 3,600, one at a time, stale"),
            Row(type: RangeWorkload.self, arguments: ["--connections", "4", "--concurrency", "32", "--keys", "1", "--consistency", "stale"], purpose: "30 of 3,600, 32 in flight, stale"),
            Row(type: RangeWorkload.self, arguments: ["--connections", "4", "--concurrency", "32", "--keys", "1", "--consistency", "linearizable"], purpose: "30 of 3,600, 32 in flight, linearizable"),
            Row(type: MergedRangeWorkload.self, arguments: ["--connections", "4", "--concurrency", "32", "--keys", "20", "--merge-width", "10"], purpose: "30 merged from 10 of 20 sets of 1,000"),
        ]
        if cluster.local && failoverTrials > 0 {
            rows.append(Row(type: FailoverWorkload.self, arguments: ["--concurrency", "16", "--trials", "\(failoverTrials)"], purpose: "kill -9 of the leader to the next acknowledged write"))
        }
        return rows
    }

    func run() async throws {
        let started = Date()
        let loadAtStart = MachineDescription.loadAverage()
        let probe = try FsyncProbe.measure(directory: nil, writes: 200, size: 4096)
        print(probe.table)
        let target = try await cluster.target()
        var reports: [WorkloadReport] = []
        var purposes: [String] = []
        do {
            for row in rows {
                let timing = row.type == FailoverWorkload.self ? [] : ["--duration", "\(duration)", "--warmup", "1"]
                let report = try await row.type.measure(row.arguments + timing, on: target, quiet: false)
                print(report.table + "\n")
                reports.append(report)
                purposes.append(row.purpose)
            }
            // The social model through KeelFeed, several rows per run: closed loop (each task
            // sends its next request when the last is answered: the mix at saturation), then at
            // an offered rate (latency counted from each request's scheduled start).
            let feedArguments = ["--users", "2000", "--concurrency", "8", "--duration", "\(duration)", "--warmup", "2"]
            for (extra, suffix) in [([String](), ""), (["--rate", "80"], ", 80 req/s offered")] {
                for report in try await FeedWorkload.measure(feedArguments + extra, on: target, quiet: false) {
                    print(report.table + "\n")
                    reports.append(report)
                    purposes.append((FeedWorkload.purposes[report.workload] ?? report.workload) + suffix)
                }
            }
        } catch {
            await target.shutdown()
            throw error
        }
        await target.shutdown()

        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode([probe] + reports).write(to: URL(fileURLWithPath: json))
        }
        if let doc {
            let text = section(probe: probe, reports: reports, purposes: purposes, started: started, loadAtStart: loadAtStart)
            try MarkedSection(name: "keel-bench suite").write(text, into: doc)
            print("rewrote the suite section of \(doc)")
        }
    }

    private func section(probe: WorkloadReport, reports: [WorkloadReport], purposes: [String], started: Date, loadAtStart: Double) -> String {
        let serverArguments = cluster.serverArguments.map { " --server-arguments \"\($0)\"" } ?? ""
        let target = cluster.local ? "--local" + serverArguments : "--endpoints <cluster>"
        let rows = zip(reports, purposes).map { report, purpose in
            [purpose, "`keel-bench \(report.command) \(target)`", report.throughputCell] + report.latency.cells
                + [report.cpu?.cell ?? "-", "\(report.errors)", String(format: "%.1f-%.1f", report.loadAverageBefore, report.loadAverageAfter)]
        }
        let table = MarkdownTable(
            titles: ["Workload", "Command", "Throughput"] + LatencySummary.columnTitles
                + ["CPU per operation, servers / keel-bench", "Errors", "Load"],
            rows: rows
        )
        let minutes = Date().timeIntervalSince(started) / 60
        let serverSide = zip(reports, purposes).flatMap { report, purpose in
            report.serverLatencies.map { "- \(purpose): \($0.summary)." }
        }
        let serverSideText = serverSide.isEmpty ? "" : """


        The servers' own latency for the page reads above (from each node's `keel_client_request_seconds` histogram, a request's arrival to its answer, summed over the three nodes and scraped around each row, its warm-up included; the buckets bound the percentiles):

        \(serverSide.joined(separator: "\n"))
        """
        return """
        ## Standard suite (`make bench`)

        - Date: \(MachineDescription.today); \(String(format: "%.0f", minutes)) minutes.
        - Machine: \(MachineDescription.summary); load average \(String(format: "%.1f", loadAtStart)) at the start, \(String(format: "%.1f", MachineDescription.loadAverage())) at the end (other work on the machine inflates every figure).
        - Data disk (\(probe.settings["directory"] ?? "")): write + fdatasync of 4 KiB appends, p50 \(LatencySummary.format(probe.latency.p50)) ms, p99 \(LatencySummary.format(probe.latency.p99)) ms, max \(LatencySummary.format(probe.latency.max)) ms (`keel-bench \(probe.command)`).
        - Cluster: \(cluster.local ? "three release `keel-server` processes on 127.0.0.1 started by keel-bench (KeelTestKit's LocalCluster: \(cluster.serverArguments.map { "`\($0)`" } ?? "default timing: 100 ms ticks, election after 10 to 20 ticks"), fsync on, data in the temporary directory)" : "given endpoints").
        - Command: `keel-bench suite \(target) --duration \(duration) --failover-trials \(failoverTrials) --doc docs/benchmarks.md`; each row ran against that one cluster for \(duration) s after 1 s of warm-up; its command runs the same workload alone.
        - Latency is per request as the client sees it (HdrHistogram); the load column is the 1-minute load average before and after the row.
        - CPU per operation: the three nodes' `process_cpu_seconds_total` and keel-bench's own CPU time over the measured phase, divided by the operations counted (what the two cores allow: 2 s of CPU per second over the sum of the two).

        \(table.text)\(serverSideText)
        """
    }
}
