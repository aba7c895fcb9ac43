import Foundation
import KeelTestKit
import KeelWire

/// Writes keys on its own thread until stopped, always to whichever node it believes leads:
/// follows NOT_LEADER hints, moves on when a node stops answering, and retries each write
/// with its session stamp so a retry is never applied twice. Records every acknowledged write.
final class LeaderFollowingWriter: @unchecked Sendable {
    // Unchecked Sendable: `acknowledged`, `wrongCounters`, `stopRequested` and `finished` are guarded by
    // `condition`; the rest is immutable or used by the writer thread alone.
    private let condition = NSCondition()
    private var acknowledged: [String: String] = [:]
    private var wrongCounters: [String] = []
    private var stopRequested = false
    private var finished = false
    private let ports: [UInt64: Int]
    private let clusterID: String
    private let name: String
    private let clientID: UInt64
    /// With a counter key, each write increments it by one instead of putting a new key.
    let counterKey: String?

    init(name: String, clientID: UInt64, ports: [UInt64: Int], clusterID: String, counterKey: String? = nil) {
        self.name = name
        self.clientID = clientID
        self.ports = ports
        self.clusterID = clusterID
        self.counterKey = counterKey
    }

    func start() {
        let thread = Thread { [self] in
            self.run()
            self.condition.lock()
            self.finished = true
            self.condition.broadcast()
            self.condition.unlock()
        }
        thread.start()
    }

    /// Stops after the write in progress and returns what was acknowledged.
    func stop() -> [String: String] {
        condition.lock()
        defer { condition.unlock() }
        stopRequested = true
        while !finished { condition.wait() }
        return acknowledged
    }

    /// Increments whose answer was not the count of increments acknowledged so far.
    var counterMismatches: [String] {
        condition.lock()
        defer { condition.unlock() }
        return wrongCounters
    }

    var acknowledgedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return acknowledged.count
    }

    private var shouldStop: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopRequested
    }

    private func run() {
        var target = ports.keys.sorted().first!
        var client: WireClient?
        var sequence: UInt64 = 0
        while !shouldStop {
            sequence += 1
            let key = "\(name)-\(sequence)"
            let value = "v\(sequence)"
            let session = WriteSession(clientID: clientID, sequence: sequence)
            // Retry this one write until it is acknowledged or the test stops us.
            while !shouldStop {
                do {
                    if client == nil { client = try WireClient(port: ports[target]!, clusterID: clusterID, receiveTimeout: 3) }
                    let operation: WriteOperation = counterKey.map { .increment(key: Array($0.utf8), delta: 1) }
                        ?? .put(key: Array(key.utf8), value: Array(value.utf8))
                    let result = try client!.call(.write(operation), session: session, timeoutMilliseconds: 2000)
                    if case .put = result {
                        condition.lock()
                        acknowledged[key] = value
                        condition.unlock()
                        break
                    }
                    if case .increment(let counter, _) = result {
                        condition.lock()
                        // Exactly once: the n-th acknowledged increment sees the value n.
                        if counter != Int64(sequence) { wrongCounters.append("increment \(sequence) answered \(counter)") }
                        acknowledged[key] = value
                        condition.unlock()
                        break
                    }
                    if case .error(let error) = result, error.code == .notLeader, error.leaderID != 0, ports[error.leaderID] != nil {
                        target = error.leaderID
                    } else {
                        target = nextNode(after: target)
                        usleep(20_000)
                    }
                    client = nil
                } catch {
                    client = nil
                    target = nextNode(after: target)
                    usleep(20_000)
                }
            }
        }
    }

    private func nextNode(after node: UInt64) -> UInt64 {
        let ids = ports.keys.sorted()
        let position = ids.firstIndex(of: node) ?? 0
        return ids[(position + 1) % ids.count]
    }
}
