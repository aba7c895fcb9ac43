import Foundation
import KeelRaft
import KeelStore
import KeelWire

/// Everything that reaches the driver from other threads: peer messages, client proposals,
/// reads, admin requests and transport reports.
enum DriverEvent: Sendable {
    case messages([Message])
    case propose(WriteProposal)
    case read(@Sendable (ReadPermission) -> Void)
    case admin(AdminOperation, @Sendable (ClientResult) -> Void)
    case peerIntroduced(UInt64, MemberAddress)
    case snapshotStaged(Message, directory: String)
    case snapshotReport(peer: UInt64, success: Bool)
    case unreachable(UInt64)
}

/// One client write on its way into the log.
struct WriteProposal: Sendable {
    var clientID: UInt64
    var sequence: UInt64
    var command: Command
    var completion: @Sendable (WriteOutcome) -> Void
}

/// What a proposed write came to.
enum WriteOutcome: Sendable {
    /// The entry at `index` was applied with `result`.
    case applied(index: UInt64, result: CommandResult)
    /// It was not (or may not have been) applied.
    case failed(ErrorReply)
}

/// The answer to a linearizable read: the state machine now reflects every write
/// acknowledged before the read arrived, or the read cannot be served here.
enum ReadPermission: Sendable {
    case granted
    case refused(ErrorReply)
}

/// The queue between the world and the driver thread: a lock and a condition, drained whole
/// by each loop iteration, so that everything that arrived during one fsync is handled (and
/// persisted) together in the next.
final class DriverInbox: @unchecked Sendable {
    // Unchecked Sendable: `events` and `closed` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var events: [DriverEvent] = []
    private var closed = false

    /// Queues an event; returns false when the driver has stopped.
    @discardableResult
    func post(_ event: DriverEvent) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        events.append(event)
        if events.count == 1 { condition.signal() }
        return true
    }

    /// Waits until an event arrives or `deadline` passes, and takes everything queued.
    /// - Returns: `nil` once the inbox is closed and empty.
    func drain(waitingUntil deadline: Date) -> [DriverEvent]? {
        condition.lock()
        defer { condition.unlock() }
        while events.isEmpty && !closed {
            if !condition.wait(until: deadline) { break }
        }
        if events.isEmpty && closed { return nil }
        let taken = events
        events.removeAll(keepingCapacity: true)
        return taken
    }

    /// Stops accepting events; the driver handles what is queued, then ends.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }
}
