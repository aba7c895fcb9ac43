import ArgumentParser
import KeelStore

/// The store's share of a page read: a snapshot and one page of a sorted set on a fresh
/// database, flushed to an SST or left in the memtable, in this process (no Raft, no network,
/// no framing).
struct StoreRangeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "range",
        abstract: "Snapshot plus a page of --page members from a set of --set-size members, in --order, from random cursors."
    )

    @OptionGroup var options: StoreBenchmarkOptions

    @Option(help: "Members in the set.")
    var setSize = 3_600

    @Option(help: "Members per page.")
    var page = 30

    @Option(help: "Queries measured, one at a time.")
    var queries = 20_000

    @Option(help: "Seed of the generator choosing each query's cursor.")
    var seed: UInt64 = 1

    @Option(help: "Page order: newest-first or oldest-first.")
    var order: PageOrder = .newestFirst

    @Flag(help: "Leave the set in the memtable instead of flushing it to an SST.")
    var memtable = false

    enum PageOrder: String, ExpressibleByArgument {
        case newestFirst = "newest-first"
        case oldestFirst = "oldest-first"

        var rangeOrder: RangeOrder { self == .newestFirst ? .newestFirst : .oldestFirst }
    }

    func validate() throws {
        guard setSize >= 1, page >= 1, queries >= 1 else { throw ValidationError("--set-size, --page and --queries must be positive") }
    }

    func run() throws {
        let bench = try BenchmarkStore(options: options)
        defer { bench.close() }
        let set = Array("timeline:range-bench".utf8)
        let members = (0..<setSize).map {
            ScoredMember(member: Array("post:\(String($0).leftPadded(10))".utf8), score: 1_700_000_000_000 + Double($0) * 1000)
        }
        let fill = stride(from: 0, to: members.count, by: 1_000).map { start in
            Command.add(set: set, members: Array(members[start..<min(start + 1_000, members.count)]), mode: .upsert, maxLength: nil)
        }
        _ = try bench.apply(bench.entries(fill))
        if !memtable {
            try bench.database.flush(bench.database.columnFamily(named: KeelStore.dataColumnFamilyName))
        }

        var generator = SplitMix64(seed: seed)
        var histogram = LatencyHistogram()
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<queries {
            // One query in ten reads the first page, the others start after a random member.
            let pick = Int(generator.next() % UInt64(members.count * 10 / 9 + 1))
            let start: RangeStart = pick >= members.count
                ? .beginning : .after(RangeCursor(score: members[pick].score, member: members[pick].member))
            let began = clock.now
            let result = try bench.store.snapshot().range(of: set, order: order.rangeOrder, from: start, limit: page)
            histogram.record(clock.now - began)
            guard result.members.count <= page else { throw BenchmarkFailure(message: "a page longer than its limit") }
        }
        let elapsed = LatencyHistogram.seconds(clock.now - started)
        let report = WorkloadReport(
            workload: "store range", settings: ["setSize": "\(setSize)", "page": "\(page)", "queries": "\(queries)", "order": order.rawValue, "in": memtable ? "memtable" : "SST"],
            requests: queries, operations: queries, operationName: "pages", errors: 0, seconds: elapsed,
            latency: histogram.summary
        )
        if options.json {
            print(report.jsonText)
        } else {
            print(report.table)
        }
    }
}
