import Foundation
import KeelClient
import KeelLinearizability
import Logging

/// Compares the state machines of the members once the faults have healed: waits until every
/// member reports the same applied index, reads every key of the run from each member's own
/// state (stale reads, which answer from the node's applied state and report its applied
/// index), and checks that all reads of a round saw that one index and that the members agree.
///
/// The run's clients write only the run's keys, so these keys are the whole user data of the
/// state machine; the digest is a hash of their values in key order.
struct ReplicaComparison {
    /// One member's view of every key.
    struct Replica: Sendable {
        var node: UInt64
        var appliedIndex: UInt64
        var values: [String: HistoryValue]

        /// FNV-1a over the values in key order.
        var digest: UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for key in values.keys.sorted() {
                for byte in "\(key)=\(values[key]!.jsonText);".utf8 {
                    hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                }
            }
            return hash
        }
    }

    let cluster: ClusterUnderTest
    let keys: [ChaosKey]

    /// Every member's replica, all at one applied index.
    /// - Throws: ``ChaosError`` when the members do not reach one applied index in time.
    func replicas(timeout: Duration) async throws -> [Replica] {
        let deadline = ContinuousClock.now + timeout
        var lastProblem = "no round attempted"
        while ContinuousClock.now < deadline {
            let cluster = self.cluster
            let statuses = try await runBlocking { cluster.memberIDs.map { ($0, cluster.status($0)) } }
            let applied = Set(statuses.map { $0.1?.appliedIndex })
            guard applied.count == 1, let index = applied.first ?? nil else {
                lastProblem = "applied indexes " + statuses.map { "\($0.0): \($0.1.map { String($0.appliedIndex) } ?? "no answer")" }.joined(separator: ", ")
                try await Task.sleep(for: .milliseconds(200))
                continue
            }
            var round: [Replica] = []
            for (node, _) in statuses {
                round.append(try await read(node: node))
            }
            if round.allSatisfy({ $0.appliedIndex == index }) { return round }
            lastProblem = "the applied index moved during the reads"
        }
        throw ChaosError("members did not converge: \(lastProblem)")
    }

    /// Node `node`'s values of every key, from its own state.
    private func read(node: UInt64) async throws -> Replica {
        guard let address = cluster.clientAddress(of: node) else { throw ChaosError("no address for node \(node)") }
        var logger = Logger(label: "keel-chaos.compare")
        logger.logLevel = .critical
        // One endpoint: stale reads go to exactly this node.
        let client = try KeelClient(endpoints: [address], configuration: KeelClientConfiguration(clusterID: cluster.clusterID), logger: logger)
        var values: [String: HistoryValue] = [:]
        var indexes: Set<UInt64> = []
        do {
            for key in keys {
                switch key.model {
                case .register, .counter:
                    let result = try await client.read(key.bytes, consistency: .stale, timeout: .seconds(5))
                    indexes.insert(result.appliedIndex)
                    if let bytes = result.value {
                        values[key.name] = key.model == .counter
                            ? KeelClient.counterValue(bytes).map(HistoryValue.integer) ?? .string("\(bytes)")
                            : WorkloadClient.registerValue(bytes)
                    } else {
                        values[key.name] = .null
                    }
                case .sortedSet, .entrySet:
                    let page = try await client.zrange(key.bytes, order: .oldestFirst, limit: 10_000, consistency: .stale, timeout: .seconds(5))
                    indexes.insert(page.appliedIndex)
                    values[key.name] = WorkloadClient.members(of: page)
                }
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        // Reads at different indexes mean the node applied something in between: not one state.
        return Replica(node: node, appliedIndex: indexes.count == 1 ? indexes.first! : 0, values: values)
    }

    /// The keys on which the replicas disagree, described; empty when they all agree.
    static func disagreements(_ replicas: [Replica]) -> [String] {
        guard let first = replicas.first else { return [] }
        var problems: [String] = []
        for key in first.values.keys.sorted() {
            let seen = replicas.map { "node \($0.node): \($0.values[key]?.jsonText ?? "missing")" }
            if Set(replicas.map { $0.values[key] }).count > 1 {
                problems.append("replicas disagree on \(key): " + seen.joined(separator: "; "))
            }
        }
        return problems
    }
}
