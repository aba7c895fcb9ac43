import Foundation
import KeelClient
import Logging

/// Injects faults on a seeded schedule: a quiet spell, then one fault, held for a while and
/// healed, again and again until the deadline. One fault at a time, so that the cluster keeps
/// a chance to make progress between them and the log reads as cause and effect.
final class Nemesis {
    private let cluster: ClusterUnderTest
    private let faults: [FaultKind]
    private let targetSize: Int
    private let quietMilliseconds: ClosedRange<Int>
    private let faultMilliseconds: ClosedRange<Int>
    private let recorder: HistoryRecorder
    private let log: @Sendable (String) -> Void
    private var generator: SeededGenerator
    /// Faults injected so far, by kind.
    private(set) var injected: [FaultKind: Int] = [:]

    init(
        cluster: ClusterUnderTest, configuration: ChaosConfiguration, recorder: HistoryRecorder,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.cluster = cluster
        faults = configuration.faults.sorted()
        targetSize = configuration.nodes
        quietMilliseconds = configuration.quietMilliseconds
        faultMilliseconds = configuration.faultMilliseconds
        self.recorder = recorder
        self.log = log
        generator = SeededGenerator(seed: configuration.seed, stream: 0)
    }

    /// Injects faults until `deadline`; every fault is healed before it returns.
    func run(until deadline: ContinuousClock.Instant) async {
        guard !faults.isEmpty else { return }
        while true {
            try? await Task.sleep(for: .milliseconds(Int.random(in: quietMilliseconds, using: &generator)))
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return }
            let fault = faults.randomElement(using: &generator)!
            let hold = min(
                Duration.milliseconds(Int.random(in: faultMilliseconds, using: &generator)),
                max(.milliseconds(faultMilliseconds.lowerBound), deadline - ContinuousClock.now)
            )
            do {
                if try await inject(fault, hold: hold) { injected[fault, default: 0] += 1 }
            } catch {
                note("\(fault.rawValue): \(error)")
            }
        }
    }

    /// Heals whatever might still be broken: cut links, paused and stopped members.
    func healEverything() async throws {
        cluster.proxy.healAll()
        let cluster = self.cluster
        try await runBlocking {
            for id in cluster.memberIDs {
                if cluster.isPaused(id) { cluster.resume(id) }
                if !cluster.isRunning(id) { try cluster.restart(id) }
            }
        }
    }

    // MARK: Faults

    /// - Returns: whether the fault was injected (false when the cluster offered no target).
    private func inject(_ fault: FaultKind, hold: Duration) async throws -> Bool {
        switch fault {
        case .kill: try await kill(hold: hold)
        case .pause: try await pause(hold: hold)
        case .partition: try await partition(hold: hold)
        case .transfer: try await transfer()
        case .membership: try await changeMembership()
        }
    }

    private func kill(hold: Duration) async throws -> Bool {
        let leader = await currentLeader()
        guard let target = pickTarget(preferring: leader) else { return false }
        let cluster = self.cluster
        try await runBlocking { cluster.kill(target) }
        note("kill -9 node \(target)\(target == leader ? " (leader)" : "")")
        try? await Task.sleep(for: hold)
        try await runBlocking { try cluster.restart(target) }
        note("restart node \(target)")
        return true
    }

    private func pause(hold: Duration) async throws -> Bool {
        let leader = await currentLeader()
        guard let target = pickTarget(preferring: leader, preferenceOutOf: 5) else { return false }
        let cluster = self.cluster
        try await runBlocking { cluster.pause(target) }
        note("SIGSTOP node \(target)\(target == leader ? " (leader)" : "")")
        try? await Task.sleep(for: hold)
        try await runBlocking { cluster.resume(target) }
        note("SIGCONT node \(target)")
        return true
    }

    private func partition(hold: Duration) async throws -> Bool {
        let members = cluster.memberIDs
        guard members.count >= 3 else { return false }
        let leader = await currentLeader()
        var links: [DirectedLink] = []
        let description: String
        switch Int.random(in: 0..<4, using: &generator) {
        case 0, 1:
            // One node (the leader, when there is one) loses every peer, both ways.
            let isolated = leader ?? members.randomElement(using: &generator)!
            for other in members where other != isolated {
                links += [DirectedLink(from: isolated, to: other), DirectedLink(from: other, to: isolated)]
            }
            description = "isolate node \(isolated)\(isolated == leader ? " (leader)" : "")"
        case 2:
            // A random minority apart from the rest, both ways; with the leader in it half the time.
            var shuffled = members.shuffled(using: &generator)
            if let leader, Bool.random(using: &generator) {
                shuffled.removeAll { $0 == leader }
                shuffled.insert(leader, at: 0)
            }
            let minority = Array(shuffled.prefix((members.count - 1) / 2))
            for inside in minority {
                for outside in members where !minority.contains(outside) {
                    links += [DirectedLink(from: inside, to: outside), DirectedLink(from: outside, to: inside)]
                }
            }
            description = "split \(minority) from \(members.filter { !minority.contains($0) })"
        default:
            // One way: the leader's messages go nowhere, but it still hears the others.
            let source = leader ?? members.randomElement(using: &generator)!
            for other in members where other != source {
                links.append(DirectedLink(from: source, to: other))
            }
            description = "cut node \(source)'s outgoing links\(source == leader ? " (leader)" : "") (one way)"
        }
        for link in links { cluster.proxy.cut(link) }
        note("partition: \(description)")
        try? await Task.sleep(for: hold)
        for link in links { cluster.proxy.heal(link) }
        note("heal partition")
        return true
    }

    private func transfer() async throws -> Bool {
        guard let leader = await currentLeader() else { return false }
        return try await withAdminClient { admin in
            // Only a voter can take over; a learner the run added may not be promoted yet.
            let voters = Set((try? await admin.members(timeout: .seconds(3)))?.members.filter(\.isVoter).map(\.nodeID) ?? [])
            let candidates = cluster.reachableMembers.filter { $0 != leader && voters.contains($0) }
            guard let target = candidates.randomElement(using: &generator) else { return false }
            do {
                let result = try await admin.transferLeadership(to: target, timeout: .seconds(5))
                note("transfer leadership \(leader) -> \(target): node \(result.leaderID) leads term \(result.term)")
            } catch {
                note("transfer leadership \(leader) -> \(target) failed: \(WorkloadClient.brief(error))")
            }
            return true
        }
    }

    private func changeMembership() async throws -> Bool {
        guard let leader = await currentLeader() else { return false }
        return try await withAdminClient { admin in try await changeMembership(admin: admin, leader: leader) }
    }

    private func changeMembership(admin: KeelClient, leader: UInt64) async throws -> Bool {
        let members = cluster.memberIDs
        if members.count > targetSize {
            // Shrink: prefer a node the run added; an initial node only while a majority of the
            // initial nodes (the clients' endpoints) stays in.
            let initial = Set(cluster.initialIDs)
            let initialLeft = members.filter(initial.contains).count
            let candidates = members.filter { $0 != leader && (!initial.contains($0) || initialLeft - 1 > initial.count / 2) }
            let added = candidates.filter { !initial.contains($0) }
            guard let target = (added.isEmpty ? candidates : added).randomElement(using: &generator) else { return false }
            do {
                try await admin.remove(nodeID: target, timeout: .seconds(5))
            } catch {
                // An unknown outcome: look.
                guard let now = try? await admin.members(timeout: .seconds(5)), !now.members.contains(where: { $0.nodeID == target }) else {
                    note("remove node \(target) failed: \(WorkloadClient.brief(error))")
                    return true
                }
            }
            let cluster = self.cluster
            try await runBlocking { cluster.noteRemovedAndStop(target) }
            note("remove node \(target) and stop it")
            return true
        }
        // Grow: a fresh node joins as a learner and is promoted once it has caught up.
        let node = try await cluster.startJoiningNode()
        do {
            try await admin.addLearner(nodeID: node.id, clientAddress: node.clientAddress, peerAddress: node.peerAddress, timeout: .seconds(5))
        } catch {
            let cluster = self.cluster
            try await runBlocking { cluster.discard(node.id) }
            note("add learner \(node.id) failed: \(WorkloadClient.brief(error))")
            return true
        }
        cluster.noteAdded(node.id)
        note("add node \(node.id) as learner")
        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            do {
                try await admin.promote(nodeID: node.id, timeout: .seconds(3))
                note("promote node \(node.id) to voter")
                return true
            } catch {
                // Refused while the learner catches up ("retry shortly"), or lost in flight:
                // membership changes are not retried blindly, so look before trying again.
                let now = try? await admin.members(timeout: .seconds(3))
                if now?.members.contains(where: { $0.nodeID == node.id && $0.isVoter }) == true {
                    note("promote node \(node.id) to voter")
                    return true
                }
                guard ContinuousClock.now < deadline else {
                    note("promote node \(node.id) failed: \(WorkloadClient.brief(error)); it stays a learner")
                    return true
                }
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
    }

    // MARK: Helpers

    private func currentLeader() async -> UInt64? {
        let cluster = self.cluster
        return try? await runBlocking { cluster.leader() }
    }

    /// A reachable member: `preferred` with probability `preference`/`preferenceOutOf`
    /// (one half by default), otherwise any.
    private func pickTarget(preferring preferred: UInt64?, preferenceOutOf: Int = 2) -> UInt64? {
        let reachable = cluster.reachableMembers
        if let preferred, reachable.contains(preferred), Int.random(in: 0..<preferenceOutOf, using: &generator) != 0 {
            return preferred
        }
        return reachable.randomElement(using: &generator)
    }

    /// Runs `body` with a client for admin requests to the reachable members, shut down after.
    private func withAdminClient<Value>(_ body: (KeelClient) async throws -> Value) async throws -> Value {
        let endpoints = cluster.reachableMembers.compactMap { cluster.clientAddress(of: $0) }
        var logger = Logger(label: "keel-chaos.nemesis")
        logger.logLevel = .critical
        let admin = try KeelClient(endpoints: endpoints, configuration: KeelClientConfiguration(clusterID: cluster.clusterID), logger: logger)
        do {
            let value = try await body(admin)
            await admin.shutdown()
            return value
        } catch {
            await admin.shutdown()
            throw error
        }
    }

    private func note(_ text: String) {
        log(String(format: "[%8.3f s] nemesis: ", Double(recorder.now()) / 1e9) + text)
    }
}
