import Foundation
import KeelStore
import RocksDB

/// A KeelStore on a fresh database in a temporary directory, fed with consecutive entries the
/// way the server applies committed ones. The directory is removed by ``close()``.
final class BenchmarkStore {
    let directory: URL
    let database: Database
    let store: KeelStore
    private var nextIndex: UInt64 = 1
    private var sequences: [UInt64]
    private var commandNumber = 0
    private let sync: Bool

    init(options: StoreBenchmarkOptions) throws {
        let parent = options.directory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? FileManager.default.temporaryDirectory
        directory = parent.appendingPathComponent("keel-bench-store-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            database = try Database(
                path: directory.appendingPathComponent("db").path,
                options: options.databaseOptions,
                columnFamilies: ["raft", KeelStore.dataColumnFamilyName, KeelStore.metaColumnFamilyName]
            )
            store = try KeelStore(database: database)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        sequences = Array(repeating: 0, count: options.clients)
        sync = options.sync
    }

    func close() {
        database.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Encodes `commands` as the next committed entries, spreading them over the clients'
    /// sessions round-robin; the timestamp moves one millisecond per command.
    func entries(_ commands: [Command]) -> [CommittedEntry] {
        commands.map { command in
            defer {
                nextIndex += 1
                commandNumber += 1
            }
            var clientID: UInt64 = 0
            var sequence: UInt64 = 0
            if !sequences.isEmpty {
                let client = commandNumber % sequences.count
                sequences[client] += 1
                clientID = UInt64(client + 1)
                sequence = sequences[client]
            }
            let envelope = CommandEnvelope(
                clientID: clientID, sequence: sequence,
                timestampMilliseconds: 1_700_000_000_000 + UInt64(commandNumber), command: command
            )
            return CommittedEntry(index: nextIndex, data: envelope.encoded())
        }
    }

    /// Entries (puts and deletes) in the data column family's memtables, for `--verbose`.
    func memtableEntries() -> String {
        let data = database.columnFamily(named: KeelStore.dataColumnFamilyName)
        let active = (try? database.integerProperty("rocksdb.num-entries-active-mem-table", in: data)) ?? 0
        let deletes = (try? database.integerProperty("rocksdb.num-deletes-active-mem-table", in: data)) ?? 0
        let immutable = (try? database.integerProperty("rocksdb.num-entries-imm-mem-tables", in: data)) ?? 0
        return "active \(active) (deletes \(deletes)), immutable \(immutable)"
    }

    /// Applies one group and returns the time `apply` took, checking that no command failed.
    func apply(_ group: [CommittedEntry]) throws -> ApplyTime {
        // As keel-server's threads run RocksDB.
        PerformanceCounters.disableOnCurrentThread()
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = Self.threadCPUTime()
        let results = try store.apply(group, sync: sync)
        let elapsed = ApplyTime(wall: clock.now - start, cpu: Self.threadCPUTime() - cpuStart)
        for case .failed(let error)? in results {
            throw BenchmarkFailure(message: "a command failed: \(error)")
        }
        return elapsed
    }

    /// Applies every group; the measured phase, kept out of line so that callgrind's
    /// `--toggle-collect='*measuredApply*'` counts exactly these calls.
    @inline(never)
    func measuredApply(_ groups: [[CommittedEntry]]) throws -> ApplyTime {
        var total = ApplyTime()
        for group in groups {
            total += try apply(group)
        }
        return total
    }

    /// CPU time of the calling thread: on a loaded machine it moves only while the apply
    /// thread runs, unlike the wall clock (RocksDB's background flushes are not in it).
    private static func threadCPUTime() -> Duration {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }
}

/// Wall-clock and apply-thread CPU time of some apply calls.
struct ApplyTime {
    var wall = Duration.zero
    var cpu = Duration.zero

    static func += (total: inout ApplyTime, more: ApplyTime) {
        total.wall += more.wall
        total.cpu += more.cpu
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
