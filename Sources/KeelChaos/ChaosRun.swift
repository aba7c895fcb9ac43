import Foundation
import KeelClient
import KeelLinearizability
import Logging
import NIOPosix

/// One fault-injection run: real keel-server processes behind a fault-injecting peer proxy,
/// concurrent clients recording a history, a seeded nemesis, then healing, read-back, replica
/// comparison and the linearizability check.
///
/// ```swift
/// let summary = try await ChaosRun(configuration: ChaosConfiguration(historyPath: "/tmp/h.jsonl")).run()
/// print(summary)
/// exit(summary.exitStatus)
/// ```
public struct ChaosRun: Sendable {
    /// Process ids of the read-back after the faults, apart from the clients' ids.
    static let finalProcessBase = 1_000_000

    public let configuration: ChaosConfiguration
    private let log: @Sendable (String) -> Void

    /// - Parameters:
    ///   - configuration: what to run.
    ///   - log: where progress lines go (the nemesis's actions, phases); standard output by default.
    public init(configuration: ChaosConfiguration, log: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.configuration = configuration
        self.log = log
    }

    /// Runs it. Every process it starts is stopped before it returns or throws; the history
    /// file stays.
    /// - Returns: the summary; its ``ChaosSummary/verdict`` says whether a violation was found.
    /// - Throws: ``ChaosError`` when the run cannot be carried out (the cluster does not start
    ///   or never recovers), or the history cannot be written.
    public func run() async throws -> ChaosSummary {
        guard configuration.nodes >= 3, configuration.clients >= 1, configuration.keys >= 1 else {
            throw ChaosError("a run needs at least 3 nodes, 1 client and 1 key")
        }
        let started = ContinuousClock.now
        let recorder = try HistoryRecorder(path: configuration.historyPath)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let cluster: ClusterUnderTest
        do {
            cluster = try await ClusterUnderTest.start(
                nodes: configuration.nodes, serverArguments: configuration.serverArguments, group: group
            )
        } catch {
            try? await group.shutdownGracefully()
            try? recorder.close()
            throw error
        }
        do {
            var summary = try await run(on: cluster, recorder: recorder)
            summary.elapsed = started.duration(to: .now)
            await stop(cluster, group: group, keepFiles: summary.verdict == .failed && configuration.keepFilesOnFailure)
            return summary
        } catch {
            log("run aborted: \(error); last lines of each member's log:")
            for id in cluster.memberIDs {
                log("--- node \(id)\n\(cluster.logTail(id, lines: 15))")
            }
            try? recorder.close()
            await stop(cluster, group: group, keepFiles: configuration.keepFilesOnFailure)
            throw error
        }
    }

    private func stop(_ cluster: ClusterUnderTest, group: MultiThreadedEventLoopGroup, keepFiles: Bool) async {
        await cluster.proxy.shutdown()
        _ = try? await runBlocking { cluster.shutdown(keepFiles: keepFiles) }
        if keepFiles { log("node data and logs kept in \(cluster.root)") }
        try? await group.shutdownGracefully()
    }

    private func run(on cluster: ClusterUnderTest, recorder: HistoryRecorder) async throws -> ChaosSummary {
        let firstLeader = try await runBlocking { try cluster.waitForLeader(timeout: 30) }
        let keys = ChaosKey.keys(count: configuration.keys)
        log("cluster of \(configuration.nodes) up, leader \(firstLeader); \(configuration.clients) clients on \(keys.map(\.name)); faults: \(configuration.faults.sorted().map(\.rawValue))")

        // Each client lists the nodes starting at a different one, so that the clients do not all
        // find the leader the same way (and a node that wrongly answers as leader gets asked).
        let endpoints = cluster.initialClientAddresses
        let clients = try (0..<configuration.clients).map { index in
            try makeClient(cluster, endpoints: Array(endpoints[(index % endpoints.count)...] + endpoints[..<(index % endpoints.count)]))
        }
        let nemesis = Nemesis(cluster: cluster, configuration: configuration, recorder: recorder, log: log)
        let deadline = ContinuousClock.now + configuration.duration
        await withTaskGroup(of: Void.self) { tasks in
            for (index, keel) in clients.enumerated() {
                let configuration = self.configuration
                tasks.addTask {
                    var client = WorkloadClient(
                        index: index, clientCount: configuration.clients, keel: keel, keys: keys, recorder: recorder,
                        seed: configuration.seed, thinkTime: configuration.thinkTime
                    )
                    await client.run(until: deadline)
                }
            }
            let log = self.log
            tasks.addTask {
                while ContinuousClock.now + .seconds(10) < deadline {
                    try? await Task.sleep(for: .seconds(10))
                    let outcomes = recorder.outcomes
                    log(String(format: "[%8.3f s] operations: ok %d, fail %d, info %d", Double(recorder.now()) / 1e9,
                               outcomes[.ok] ?? 0, outcomes[.fail] ?? 0, outcomes[.info] ?? 0))
                }
            }
            await nemesis.run(until: deadline)
            await tasks.waitForAll()
        }
        for client in clients { await client.shutdown() }

        log(String(format: "[%8.3f s] workload over; healing every fault", Double(recorder.now()) / 1e9))
        try await nemesis.healEverything()
        let leader = try await runBlocking { try cluster.waitForLeader(timeout: 60) }
        log(String(format: "[%8.3f s] leader %llu; reading every key back", Double(recorder.now()) / 1e9, leader))
        try await readBack(keys, cluster: cluster, recorder: recorder)

        let comparison = ReplicaComparison(cluster: cluster, keys: keys)
        let replicas = try await comparison.replicas(timeout: .seconds(60))
        var problems = ReplicaComparison.disagreements(replicas)
        try recorder.close()

        let history = try History(contentsOf: URL(fileURLWithPath: configuration.historyPath))
        problems += Self.missingIncrements(in: history, keys: keys)
        log(String(format: "[%8.3f s] checking %d operations", Double(recorder.now()) / 1e9, history.operations.count))
        let checker = LinearizabilityChecker(
            limits: CheckLimits(timeLimit: .seconds(300)),
            models: Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0.model) })
        )
        let report = try await checker.checkConcurrently(history)
        return ChaosSummary(
            seed: configuration.seed, nodes: configuration.nodes, clients: configuration.clients, elapsed: .zero,
            faults: nemesis.injected, outcomes: recorder.outcomes, report: report, problems: problems,
            digests: replicas.map { ($0.node, $0.appliedIndex, $0.digest) }, historyPath: configuration.historyPath
        )
    }

    /// Reads every key linearizably after the faults, as part of the history, retrying until
    /// each read succeeds: the checker then proves that every acknowledged write is still there.
    private func readBack(_ keys: [ChaosKey], cluster: ClusterUnderTest, recorder: HistoryRecorder) async throws {
        let keel = try makeClient(cluster, endpoints: cluster.reachableMembers.compactMap { cluster.clientAddress(of: $0) })
        do {
            try await readBack(keys, through: keel, recorder: recorder)
            await keel.shutdown()
        } catch {
            await keel.shutdown()
            throw error
        }
    }

    private func readBack(_ keys: [ChaosKey], through keel: KeelClient, recorder: HistoryRecorder) async throws {
        var process = Self.finalProcessBase
        let deadline = ContinuousClock.now + .seconds(60)
        for key in keys {
            while true {
                let function: Function = [.sortedSet, .entrySet].contains(key.model) ? .zrange : .read
                recorder.invoke(process: process, function: function, key: key.name, value: .null)
                do {
                    let value: HistoryValue
                    switch key.model {
                    case .register:
                        value = try await keel.get(key.bytes).map(WorkloadClient.registerValue) ?? .null
                    case .counter:
                        value = try await keel.get(key.bytes).map { KeelClient.counterValue($0).map(HistoryValue.integer) ?? .string("\($0)") } ?? .null
                    case .sortedSet, .entrySet:
                        value = WorkloadClient.members(of: try await keel.zrange(key.bytes, order: .oldestFirst, limit: 10_000))
                    }
                    recorder.complete(process: process, outcome: .ok, function: function, key: key.name, value: value)
                    process += 1
                    break
                } catch {
                    let known = (error as? KeelError).map { !$0.outcomeIsUnknown } ?? false
                    recorder.complete(
                        process: process, outcome: known ? .fail : .info, function: function, key: key.name, value: .null,
                        error: WorkloadClient.brief(error)
                    )
                    process += 1
                    guard ContinuousClock.now < deadline else { throw ChaosError("cannot read \(key.name) back: \(error)") }
                }
            }
        }
    }

    /// Every acknowledged increment must be in the counter's final value, and nothing beyond
    /// the increments that may have happened: acknowledged <= final <= acknowledged + unknown.
    static func missingIncrements(in history: History, keys: [ChaosKey]) -> [String] {
        var problems: [String] = []
        let byKey = history.operationsByKey
        for key in keys where key.model == .counter {
            let operations = byKey[key.name] ?? []
            let acknowledged = operations.filter { $0.function == .incr && $0.outcome == .ok }.count
            let unknown = operations.filter { $0.function == .incr && $0.outcome == .info }.count
            guard let final = operations.last(where: { $0.process >= finalProcessBase && $0.outcome == .ok }) else {
                problems.append("\(key.name) was not read back")
                continue
            }
            let value: Int64
            switch final.output {
            case .value(nil)?: value = 0
            case .value(.integer(let counter))?: value = counter
            default:
                problems.append("\(key.name) read back as \(String(describing: final.output))")
                continue
            }
            if value < Int64(acknowledged) || value > Int64(acknowledged + unknown) {
                problems.append("\(key.name) is \(value) after \(acknowledged) acknowledged and \(unknown) unknown increments of 1")
            }
        }
        return problems
    }

    private func makeClient(_ cluster: ClusterUnderTest, endpoints: [String]) throws -> KeelClient {
        var clientConfiguration = KeelClientConfiguration(clusterID: cluster.clusterID)
        clientConfiguration.requestTimeout = configuration.operationTimeout
        var logger = Logger(label: "keel-chaos.client")
        logger.logLevel = .critical
        return try KeelClient(endpoints: endpoints, configuration: clientConfiguration, logger: logger)
    }
}
