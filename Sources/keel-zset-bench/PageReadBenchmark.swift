import ArgumentParser
import Foundation
import KeelClient
import KeelStore
import RocksDB
import Synchronization

/// 30-member pages from a 3,600-member set: latency one request at a time (so the figure is
/// the node's time plus one loopback round trip), throughput with concurrent readers, and the
/// store query alone in this process (the node's share of a stale read without the network).
struct PageReadBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "page",
        abstract: "Latency and throughput of sorted-set page reads."
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Members in the set.")
    var members: Int = 3_600

    @Option(help: "Members per page.")
    var limit: UInt32 = 30

    @Option(help: "Sequential reads per consistency level for the latency figures.")
    var reads: Int = 20_000

    @Option(help: "Concurrent readers for the throughput figure.")
    var concurrency: Int = 32

    @Option(help: "Seconds of the throughput run.")
    var seconds: Int = 10

    func validate() throws {
        guard members > 0, limit > 0, reads > 0, concurrency > 0, seconds > 0 else {
            throw ValidationError("counts must be positive")
        }
    }

    func run() async throws {
        try measureStoreQuery()
        let (client, local) = try await cluster.connect(maximumConcurrentWrites: 16)
        defer { local?.shutdown() }
        let set = Array("timeline:page-bench".utf8)
        let all = (0..<members).map { SortedSetMember(member: Array("post:\($0)".utf8), score: 1_700_000_000_000 + Double($0) * 1000) }
        try await client.zdelete(set)
        for chunk in stride(from: 0, to: all.count, by: 1_000) {
            try await client.zadd(set, members: Array(all[chunk..<min(chunk + 1_000, all.count)]))
        }
        let count = try await client.zcount(set)
        print("page: \(count)-member set, \(limit)-member pages, newest first, each from a random cursor")

        let clock = ContinuousClock()
        for consistency in [ReadConsistency.stale, .linearizable] {
            var latencies: [Duration] = []
            latencies.reserveCapacity(reads)
            for _ in 0..<reads {
                let start = Self.randomStart(all)
                let began = clock.now
                let page = try await client.zrange(set, from: start, limit: limit, consistency: consistency)
                latencies.append(clock.now - began)
                precondition(!page.members.isEmpty || start != .beginning, "an empty first page")
            }
            print("  \(consistency), one at a time (client-observed): \(LatencySummary(latencies).line)")
        }

        for consistency in [ReadConsistency.stale, .linearizable] {
            let progress = ReadProgress()
            let limit = self.limit
            let began = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        while !progress.stop.load(ordering: .relaxed) {
                            _ = try await client.zrange(set, from: Self.randomStart(all), limit: limit, consistency: consistency)
                            progress.pages.add(1, ordering: .relaxed)
                        }
                    }
                }
                try await Task.sleep(for: .seconds(seconds))
                progress.stop.store(true, ordering: .relaxed)
                try await group.waitForAll()
            }
            let rate = Double(progress.pages.load(ordering: .relaxed)) / secondsOf(clock.now - began)
            print("  \(consistency), \(concurrency) concurrent readers: \(Int(rate)) pages/s")
        }
        await client.shutdown()
    }

    private final class ReadProgress: Sendable {
        let pages = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
    }

    /// The beginning one time in ten, otherwise right after a random member.
    private static func randomStart(_ all: [SortedSetMember]) -> SortedSetRangeStart {
        guard Int.random(in: 0..<10) != 0, let member = all.randomElement() else { return .beginning }
        return .after(SortedSetCursor(score: member.score, member: member.member))
    }

    /// The store's share of a read: a snapshot and a 30-member range on a RocksDB database in
    /// a temporary directory, in this process.
    private func measureStoreQuery() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-zset-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try Database(
            path: directory.appendingPathComponent("db").path,
            columnFamilies: [KeelStore.dataColumnFamilyName, KeelStore.metaColumnFamilyName]
        )
        defer { database.close() }
        let store = try KeelStore(database: database)
        let set = Array("timeline:page-bench".utf8)
        let all = (0..<members).map { ScoredMember(member: Array("post:\($0)".utf8), score: 1_700_000_000_000 + Double($0) * 1000) }
        var entries: [CommittedEntry] = []
        for (offset, chunk) in stride(from: 0, to: all.count, by: 1_000).enumerated() {
            let command = Command.add(set: set, members: Array(all[chunk..<min(chunk + 1_000, all.count)]), mode: .upsert, maxLength: nil)
            entries.append(CommittedEntry(index: UInt64(offset + 1), data: CommandEnvelope(timestampMilliseconds: 1, command: command).encoded()))
        }
        _ = try store.apply(entries, sync: true)
        try database.flush(database.columnFamily(named: KeelStore.dataColumnFamilyName))

        let clock = ContinuousClock()
        var latencies: [Duration] = []
        for _ in 0..<reads {
            let start: RangeStart
            switch Self.randomStart(all.map { SortedSetMember(member: $0.member, score: $0.score) }) {
            case .after(let cursor): start = .after(RangeCursor(score: cursor.score, member: cursor.member))
            default: start = .beginning
            }
            let began = clock.now
            let page = try store.snapshot().range(of: set, order: .newestFirst, from: start, limit: Int(limit))
            latencies.append(clock.now - began)
            precondition(page.members.count <= Int(limit))
        }
        print("store query alone (snapshot + range, in process, \(all.count) members): \(LatencySummary(latencies).line)")
    }
}
