import ArgumentParser
import Foundation

/// `make bench-compare`: etcd and Redis started here on loopback, measured with their own
/// tools, and Keel measured with keel-bench doing the same operations with the same client
/// counts, in one run on this machine; a side-by-side table with the ratio Keel/other.
/// Every server it starts, it stops (also when interrupted).
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "Side by side with etcd (3 members) and Redis (appendfsync always, everysec) on this machine."
    )

    @Option(help: "Measured seconds of each keel-bench row.")
    var duration: Double = 10

    @Option(help: "etcdctl check perf load: s (50 clients), m (200), l (500) or xl (1000); it runs 60 s.")
    var etcdLoad = "xl"

    @Option(help: "Leader kills for the failover rows, per system (0 leaves failover out).")
    var failoverTrials = 5

    @Option(help: "Requests of each redis-benchmark run without pipelining (four times as many with -P 16).")
    var redisRequests = 200_000

    @Option(help: "Clients of the Redis rows (redis-benchmark -c).")
    var redisClients = 50

    @Flag(help: "Leave etcd out.")
    var skipEtcd = false

    @Flag(help: "Leave Redis out.")
    var skipRedis = false

    @Option(help: "Markdown file whose generated comparison section is rewritten (docs/benchmarks.md).")
    var doc: String?

    @Option(help: "Write the rows as JSON to this file.")
    var json: String?

    private static let etcdClients = ["s": 50, "m": 200, "l": 500, "xl": 1_000]

    func validate() throws {
        guard Self.etcdClients[etcdLoad] != nil else { throw ValidationError("--etcd-load is s, m, l or xl") }
        guard duration > 0, failoverTrials >= 0, redisRequests > 0, redisClients > 0 else { throw ValidationError("counts must be positive") }
    }

    func run() async throws {
        let started = Date()
        let loadAtStart = MachineDescription.loadAverage()
        let probe = try FsyncProbe.measure(directory: nil, writes: 200, size: 4096)
        var rows: [ComparisonRow] = []
        var notes: [String] = []

        if skipEtcd {
            notes.append("etcd left out (--skip-etcd).")
        } else if let etcd = ToolRun.find("etcd"), let etcdctl = ToolRun.find("etcdctl") {
            rows += try await compareWithEtcd(etcd: etcd, etcdctl: etcdctl, notes: &notes)
        } else {
            notes.append("etcd not installed (etcd-server and etcd-client from Debian; `make bench-compare` installs them when the release has them): etcd rows left out.")
        }
        if skipRedis {
            notes.append("Redis left out (--skip-redis).")
        } else if let server = ToolRun.find("redis-server"), let cli = ToolRun.find("redis-cli"), let benchmark = ToolRun.find("redis-benchmark") {
            rows += try await compareWithRedis(server: server, cli: cli, benchmark: benchmark, notes: &notes)
        } else {
            notes.append("Redis not installed (redis-server and redis-tools from Debian): Redis rows left out.")
        }

        print(TextTable(titles: ComparisonRow.titles, rows: rows.map(\.cells)).lines.joined(separator: "\n"))
        for note in notes { print("note: \(note)") }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(rows).write(to: URL(fileURLWithPath: json))
        }
        if let doc {
            let minutes = Date().timeIntervalSince(started) / 60
            let text = """
            ## Side by side with etcd and Redis (`make bench-compare`)

            - Date: \(MachineDescription.today); \(String(format: "%.0f", minutes)) minutes.
            - Machine: \(MachineDescription.summary); load average \(String(format: "%.1f", loadAtStart)) at the start, \(String(format: "%.1f", MachineDescription.loadAverage())) at the end; every system ran on this machine in this run, one after the other.
            - Data disk: write + fdatasync of 4 KiB appends, p50 \(LatencySummary.format(probe.latency.p50)) ms, p99 \(LatencySummary.format(probe.latency.p99)) ms.
            - Command: `keel-bench compare --duration \(duration) --etcd-load \(etcdLoad) --failover-trials \(failoverTrials) --redis-requests \(redisRequests) --redis-clients \(redisClients) --doc docs/benchmarks.md`.
            - Keel: three release `keel-server` processes on loopback, default timing (100 ms ticks, election after 10 to 20 ticks), fsync on; each Keel row ran for \(duration) s after 1 s of warm-up. etcd: three members on loopback with default settings (100 ms heartbeat, 1 s election timeout, fsync on), load from `etcdctl check perf --load \(etcdLoad)` (rate-limited by etcdctl: it measures whether etcd keeps up with its target, so its figure is a floor when it passes). Redis: one server, `appendonly yes`, load from `redis-benchmark`; it does not replicate.
            - Failover is timed the same way for both: writers write continuously, the leader gets SIGKILL, and the time runs to the first acknowledged write sent after the process was gone (fresh writes start every 5 ms); etcd's writes go through its JSON gateway to a random surviving member.
            \(notes.map { "- \($0)\n" }.joined())
            \(MarkdownTable(titles: ComparisonRow.titles, rows: rows.map(\.cells)).text)
            """
            try MarkedSection(name: "keel-bench compare").write(text, into: doc)
            print("rewrote the comparison section of \(doc)")
        }
    }

    // MARK: - etcd

    private func compareWithEtcd(etcd: String, etcdctl: String, notes: inout [String]) async throws -> [ComparisonRow] {
        let clients = Self.etcdClients[etcdLoad]!
        var rows: [ComparisonRow] = []
        let cluster = try EtcdCluster(executable: etcd)
        do {
            try await cluster.start()
            print("etcd: check perf --load \(etcdLoad) (60 s)")
            let output = try await ToolRun(
                executable: etcdctl, arguments: ["--endpoints", cluster.endpoints, "check", "perf", "--load", etcdLoad],
                environment: ["ETCDCTL_API": "3"]
            ).outputInBackground(allowFailure: true)
            let throughput = Self.firstNumber(in: output, after: "writes/s", pattern: #"([0-9]+) writes/s"#)
            let slowest = Self.firstNumber(in: output, after: "took", pattern: #"took (?:too long: )?([0-9.]+)s"#)
            print(output.split(separator: "\n").filter { $0.contains("PASS") || $0.contains("FAIL") || $0.contains("Slowest") }.joined(separator: "\n"))
            if let throughput {
                let keel = try await measureKeel(PutWorkload.self, ["--connections", "\(clients)", "--concurrency", "\(clients)", "--value-size", "100"])
                rows.append(ComparisonRow(
                    workload: "puts, \(clients) clients", other: "etcd 3.4, etcdctl check perf --load \(etcdLoad)",
                    otherFigure: throughput, otherDetail: slowest.map { "slowest \(LatencySummary.format($0 * 1000)) ms" } ?? "",
                    keelFigure: keel.requestsPerSecond,
                    keelDetail: "p50 \(LatencySummary.format(keel.latency.p50)) ms, p99 \(LatencySummary.format(keel.latency.p99)) ms, max \(LatencySummary.format(keel.latency.max)) ms",
                    keelCommand: keel.command, unit: "puts/s", higherIsBetter: true
                ))
            } else {
                notes.append("etcdctl check perf printed no throughput: \(output.suffix(300))")
            }
            if failoverTrials > 0 {
                let etcdTimes = try await etcdFailover(cluster)
                let keel = try await measureKeel(FailoverWorkload.self, ["--concurrency", "16", "--trials", "\(failoverTrials)"])
                rows.append(ComparisonRow(
                    workload: "failover, median of \(failoverTrials)", other: "etcd 3.4 (3 members, defaults)",
                    otherFigure: etcdTimes.latency.p50, otherDetail: "max \(LatencySummary.format(etcdTimes.latency.max)) ms",
                    keelFigure: keel.latency.p50, keelDetail: "max \(LatencySummary.format(keel.latency.max)) ms",
                    keelCommand: keel.command, unit: "ms", higherIsBetter: false
                ))
            }
        } catch {
            cluster.shutdown()
            throw error
        }
        cluster.shutdown()
        return rows
    }

    private func etcdFailover(_ cluster: EtcdCluster) async throws -> WorkloadReport {
        let value = [UInt8](repeating: UInt8(ascii: "f"), count: 100)
        let loadBefore = MachineDescription.loadAverage()
        let trials = FailoverTrials(
            trials: failoverTrials, settle: 2, writers: 16,
            leader: {
                try await waitUntil("an etcd leader") { try await cluster.leaderIndex() }
            },
            kill: { cluster.kill($0) },
            restart: { try cluster.restart($0) },
            waitUntilCaughtUp: { try await cluster.waitUntilHealthy() },
            write: { number in
                let running = cluster.members.indices.filter { cluster.members[$0].server.isRunning }
                guard !running.isEmpty else { return false }
                return await cluster.put(key: "failover:\(number % 10_000)", value: value, through: running[number % running.count])
            }
        )
        let times = try await trials.run(label: "etcd failover", progress: ProgressLine(enabled: true))
        return FailoverTrials.report(workload: "etcd failover", times: times, settings: [:], loadBefore: loadBefore)
    }

    // MARK: - Redis

    private func compareWithRedis(server: String, cli: String, benchmark: String, notes: inout [String]) async throws -> [ComparisonRow] {
        let clients = redisClients
        // Keel once, the same operations with the same client counts.
        let zadd = try await measureKeel(SortedSetAddWorkload.self, [
            "--connections", "\(clients)", "--concurrency", "\(clients)", "--keys", "1", "--member-space", "100000", "--random-score",
        ])
        let zaddPipelined = try await measureKeel(SortedSetAddWorkload.self, [
            "--connections", "\(clients)", "--concurrency", "\(clients * 16)", "--keys", "1", "--member-space", "100000", "--random-score",
        ])
        let range = try await measureKeel(RangeWorkload.self, [
            "--connections", "\(clients)", "--concurrency", "\(clients)", "--keys", "1", "--set-size", "3600", "--page", "30",
            "--start", "beginning", "--consistency", "linearizable",
        ])
        let rangeStale = try await measureKeel(RangeWorkload.self, [
            "--connections", "\(clients)", "--concurrency", "\(clients)", "--keys", "1", "--set-size", "3600", "--page", "30",
            "--start", "beginning", "--consistency", "stale",
        ])

        var rows: [ComparisonRow] = []
        let redis = try RedisServer(executable: server, cli: cli)
        do {
            try await redis.start()
            // ZREVRANGE's set: 3,600 members, as Keel's range rows read.
            var zaddArguments = ["ZADD", "timeline"]
            for index in 0..<3_600 { zaddArguments += ["\(1_700_000_000_000 + index * 1000)", "post:\(index)"] }
            try await redis.command(zaddArguments)
            for fsync in ["always", "everysec"] {
                try await redis.command(["CONFIG", "SET", "appendfsync", fsync])
                let label = "Redis 7, appendfsync \(fsync)"
                func benchmarkRun(_ arguments: [String]) async throws -> RedisBenchmarkResult {
                    print("redis-benchmark \(arguments.joined(separator: " ")) (appendfsync \(fsync))")
                    let output = try await ToolRun(
                        executable: benchmark,
                        arguments: ["-h", "127.0.0.1", "-p", "\(redis.port)", "--csv"] + arguments
                    ).outputInBackground()
                    guard let result = RedisBenchmarkResult(csv: output) else {
                        throw ToolRun.Failure(description: "redis-benchmark printed no result: \(output.suffix(300))")
                    }
                    return result
                }
                let plain = try await benchmarkRun(["-c", "\(clients)", "-n", "\(redisRequests)", "-r", "100000", "-t", "zadd"])
                rows.append(row("ZADD, \(clients) clients", label, plain, zadd))
                let pipelined = try await benchmarkRun(["-c", "\(clients)", "-n", "\(redisRequests * 4)", "-r", "100000", "-P", "16", "-t", "zadd"])
                rows.append(row("ZADD, \(clients) clients, -P 16 (Keel: \(clients * 16) in flight)", label, pipelined, zaddPipelined))
                let reads = try await benchmarkRun(["-c", "\(clients)", "-n", "\(redisRequests)", "ZREVRANGE", "timeline", "0", "29"])
                rows.append(row("ZREVRANGE 30 of 3,600, \(clients) clients (Keel linearizable)", label, reads, range))
                rows.append(row("ZREVRANGE 30 of 3,600, \(clients) clients (Keel stale)", label, reads, rangeStale))
            }
        } catch {
            redis.shutdown()
            throw error
        }
        redis.shutdown()
        return rows
    }

    private func row(_ workload: String, _ other: String, _ result: RedisBenchmarkResult, _ keel: WorkloadReport) -> ComparisonRow {
        ComparisonRow(
            workload: workload, other: other, otherFigure: result.requestsPerSecond,
            otherDetail: "p50 \(LatencySummary.format(result.p50)) ms, p99 \(LatencySummary.format(result.p99)) ms",
            keelFigure: keel.requestsPerSecond,
            keelDetail: "p50 \(LatencySummary.format(keel.latency.p50)) ms, p99 \(LatencySummary.format(keel.latency.p99)) ms",
            keelCommand: keel.command, unit: "req/s", higherIsBetter: true
        )
    }

    // MARK: - Keel

    /// Runs one keel-bench workload against a fresh local cluster (so that no row inherits
    /// another's data or a node still catching up) and prints its table.
    private func measureKeel<Workload: ClusterWorkload>(_ type: Workload.Type, _ arguments: [String]) async throws -> WorkloadReport {
        let timing = type == FailoverWorkload.self ? [] : ["--duration", "\(duration)", "--warmup", "1"]
        let target = try await BenchTarget.startLocal()
        do {
            let report = try await type.measure(arguments + timing, on: target, quiet: false)
            await target.shutdown()
            print(report.table + "\n")
            return report
        } catch {
            await target.shutdown()
            throw error
        }
    }

    private static func firstNumber(in text: String, after marker: String, pattern: String) -> Double? {
        guard let expression = try? NSRegularExpression(pattern: pattern),
              let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return Double(text[range])
    }
}
