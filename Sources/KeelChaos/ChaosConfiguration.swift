import Foundation

/// Everything that shapes one chaos run.
public struct ChaosConfiguration: Sendable {
    /// How long clients run and the nemesis injects faults; healing and the final checks come
    /// after it.
    public var duration: Duration
    /// Seeds the nemesis schedule and every client's choice of operations. Timing is real, so a
    /// seed replays the same choices, not the same interleaving.
    public var seed: UInt64
    /// Concurrent clients, each with its own `KeelClient`.
    public var clients: Int
    /// Initial cluster size: 3 or 5.
    public var nodes: Int
    /// The faults the nemesis picks from; empty runs the workload without faults.
    public var faults: Set<FaultKind>
    /// Keys the clients contend on, spread over registers, counters and sorted sets.
    public var keys: Int
    /// Where the history is written (JSON lines).
    public var historyPath: String
    /// Per-operation deadline of the clients, retries included. Longer deadlines ride through
    /// elections and leave fewer operations with an unknown outcome.
    public var operationTimeout: Duration
    /// A client waits between 0 and this long before each operation, which bounds the size of
    /// the history (and the checker's work).
    public var thinkTime: Duration
    /// Quiet time between two faults, drawn from this range in milliseconds.
    public var quietMilliseconds: ClosedRange<Int>
    /// How long a kill, pause or partition lasts, drawn from this range in milliseconds.
    public var faultMilliseconds: ClosedRange<Int>
    /// Extra `keel-server` options for every node.
    public var serverArguments: [String]
    /// Whether the nodes' data directories and logs stay behind after a failed run.
    public var keepFilesOnFailure: Bool

    /// - Parameters:
    ///   - duration: time with clients and faults.
    ///   - seed: the random seed.
    ///   - clients: concurrent clients.
    ///   - nodes: 3 or 5 initial nodes.
    ///   - faults: the fault mix.
    ///   - keys: how many keys the clients use.
    ///   - historyPath: the history file to write.
    public init(
        duration: Duration = .seconds(60), seed: UInt64 = 1, clients: Int = 5, nodes: Int = 3,
        faults: Set<FaultKind> = Set(FaultKind.allCases), keys: Int = 6, historyPath: String
    ) {
        self.duration = duration
        self.seed = seed
        self.clients = clients
        self.nodes = nodes
        self.faults = faults
        self.keys = keys
        self.historyPath = historyPath
        operationTimeout = .seconds(2)
        thinkTime = .milliseconds(10)
        quietMilliseconds = 1_000...3_000
        faultMilliseconds = 3_000...8_000
        serverArguments = ["--snapshot-entries", "500"]
        keepFilesOnFailure = true
    }
}
