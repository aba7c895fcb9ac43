import ArgumentParser
import KeelClient

/// Pages of `--page` members, newest first, from `--keys` sets of `--set-size` members
/// filled beforehand.
struct RangeWorkload: ClusterWorkload {
    static let configuration = CommandConfiguration(
        commandName: "range", abstract: "Pages of --page members from sets of --set-size members."
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var load: LoadOptions

    @Option(help: "Members in each set.")
    var setSize = 3_600

    @Option(help: "Members per page.")
    var page: UInt32 = 30

    @Option(help: "beginning (always the newest page, like ZREVRANGE 0 P-1) or cursor (after a random member, one page in ten from the beginning).")
    var start: PageStart = .cursor

    @Option(help: "linearizable, lease or stale.")
    var consistency: ReadConsistencyArgument = .linearizable

    @Flag(inversion: .prefixedNo, help: "Fill the sets before measuring.")
    var preload = true

    func validate() throws {
        guard setSize >= 1, page >= 1 else { throw ValidationError("--set-size and --page must be positive") }
    }

    func measure(on target: BenchTarget) async throws -> WorkloadReport {
        let clients = try target.makeClients(load.connections, concurrency: load.concurrency, timeout: load.timeout)
        let load = self.load
        let sets = (0..<load.keys).map { load.key($0, prefix: "pages:") }
        if preload {
            let filled = try await Preload.sortedSets(sets, size: setSize, client: clients[0])
            if self.consistency.value == .stale {
                try await Preload.awaitStaleReaders(of: sets[0], applying: filled, client: clients[0])
            }
        }
        let chooser = load.chooser()
        let (page, setSize, start) = (self.page, self.setSize, self.start)
        let consistency = self.consistency.value
        let settings = [
            "sets": "\(load.keys)", "setSize": "\(setSize)", "page": "\(page)", "start": start.rawValue,
            "consistency": self.consistency.rawValue,
        ]
        // The servers' histograms around the run (its warm-up included): issue 4's target is
        // a server-side p99.
        let metrics = target.metricsAddresses
        let before = metrics.isEmpty ? nil : ServerLatency.sum(try await MetricsText.fetch(metrics), .clientRequests)
        var report = try await LoadRunner(options: load, clients: clients, metricsAddresses: metrics).report(workload: "range", settings: settings) { client, context in
            let from = start.draw(setSize: setSize, context: &context)
            let result = try await client.zrange(sets[context.next(chooser)], from: from, limit: page, consistency: consistency)
            if result.members.isEmpty, case .beginning = from { throw KeelError.unexpectedResponse("an empty first page") }
            return 1
        }
        if let before {
            let after = ServerLatency.sum(try await MetricsText.fetch(metrics), .clientRequests)
            report.serverLatencies = [ServerLatency("zset_read", of: .clientRequests, before: before, after: after)].compactMap { $0 }
        }
        return report
    }
}

/// Where a page read starts.
enum PageStart: String, ExpressibleByArgument, CaseIterable, Sendable {
    case beginning, cursor

    /// The start of one read of a set filled by ``Preload/sortedSets(_:size:client:)``.
    func draw(setSize: Int, context: inout WorkerContext) -> SortedSetRangeStart {
        guard self == .cursor, context.uniform(10) != 0 else { return .beginning }
        let index = context.uniform(setSize)
        return .after(SortedSetCursor(score: 1_700_000_000_000 + Double(index) * 1000, member: Array("post:\(index)".utf8)))
    }
}
