import ArgumentParser
import KeelRaft

/// The Raft core alone: a 3-node cluster in one process, no IO, messages handed over
/// directly, proposing fixed-size entries in batches and counting what the leader commits.
struct RaftBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raft",
        abstract: "Committed entries per second of a 3-node in-memory KeelRaft cluster."
    )

    @Option(help: "Entries to commit.")
    var entries: Int = 5_000_000

    @Option(help: "Entries proposed per batch (between two rounds of Ready handling).")
    var batch: Int = 4096

    @Option(help: "Bytes per entry.")
    var entrySize: Int = 64

    @Option(help: "Entries kept in the log before it is compacted.")
    var compactEvery: Int = 200_000

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard entries > 0, batch > 0, entrySize >= 0, compactEvery > 0 else {
            throw ValidationError("counts must be positive")
        }
    }

    func run() throws {
        var cluster = try InMemoryCluster(size: 3)
        cluster.electFirstNode()
        let payload = [UInt8](repeating: 0xAB, count: entrySize)
        let proposal = [[UInt8]](repeating: payload, count: batch)
        let startCommit = cluster.leaderApplied
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = ProcessCPUTime.seconds
        var proposed = 0
        while cluster.leaderApplied - startCommit < UInt64(entries) {
            if proposed < entries {
                try cluster.proposeOnLeader(proposal)
                proposed += batch
            }
            cluster.runUntilQuiet()
            cluster.compactIfLonger(than: UInt64(compactEvery))
        }
        let elapsed = clock.now - start
        let cpuSeconds = ProcessCPUTime.seconds - cpuStart
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let committed = cluster.leaderApplied - startCommit
        let rate = Double(committed) / seconds
        let cpuRate = Double(committed) / cpuSeconds
        if json {
            print("{\"entries\":\(committed),\"seconds\":\(seconds),\"cpuSeconds\":\(cpuSeconds),"
                  + "\"entriesPerSecond\":\(Int(rate)),\"entriesPerCPUSecond\":\(Int(cpuRate)),"
                  + "\"entrySize\":\(entrySize),\"batch\":\(batch)}")
        } else {
            print("raft: 3 nodes in memory, \(committed) entries of \(entrySize) bytes in batches of \(batch)")
            print("committed \(Int(rate)) entries/s (\(Int(rate) * entrySize / 1_000_000) MB/s of payload) in \(seconds) s")
            print("per CPU second: \(Int(cpuRate)) entries (\(cpuSeconds) s of CPU; the gap to wall time is other load)")
        }
    }
}
