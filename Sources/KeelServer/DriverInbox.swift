import Foundation

/// The queue between the world and the driver thread: a lock and a condition, drained whole
/// by each loop iteration, so that everything that arrived during one fsync is handled (and
/// persisted) together in the next.
///
/// Proposals queue apart from the other events. While the log writer (`--async-log-writes`)
/// syncs a `Ready`, the driver leaves them here (`duringLogWrite`): they could only be
/// persisted after that write, so they do not wake the driver, and it takes them all
/// together once the write is published (``takeProposals()``), as one group commit.
final class DriverInbox: @unchecked Sendable {
    // Unchecked Sendable: every stored property is only touched with `condition` locked.
    private let condition = NSCondition()
    private var events: [DriverEvent] = []
    private var proposals: [WriteProposal] = []
    /// The last drain's `duringLogWrite`: proposals do not wake the driver then.
    private var leavingProposals = false
    private var closed = false

    /// Queues an event; returns false when the driver has stopped.
    @discardableResult
    func post(_ event: DriverEvent) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        if case .propose(let proposal) = event {
            proposals.append(proposal)
            if !leavingProposals && proposals.count == 1 && events.isEmpty { condition.signal() }
        } else {
            events.append(event)
            if events.count == 1 && (proposals.isEmpty || leavingProposals) { condition.signal() }
        }
        return true
    }

    /// Waits until an event arrives or `deadline` passes, and takes everything queued.
    /// - Parameter duringLogWrite: a log write is under way: leave proposals queued (they
    ///   neither wake the driver nor are returned), unless the inbox is closed.
    /// - Returns: `nil` once the inbox is closed and empty.
    func drain(waitingUntil deadline: Date, duringLogWrite: Bool = false) -> [DriverEvent]? {
        condition.lock()
        defer { condition.unlock() }
        leavingProposals = duringLogWrite
        while events.isEmpty && !closed && (proposals.isEmpty || duringLogWrite) {
            if !condition.wait(until: deadline) { break }
        }
        var taken: [DriverEvent] = []
        if !duringLogWrite || closed {
            taken = proposals.map { .propose($0) }
            proposals.removeAll(keepingCapacity: true)
        }
        taken.append(contentsOf: events)
        events.removeAll(keepingCapacity: true)
        if taken.isEmpty && closed { return nil }
        return taken
    }

    /// Takes the queued proposals without waiting, leaving every other event queued.
    func takeProposals() -> [WriteProposal] {
        condition.lock()
        defer { condition.unlock() }
        let taken = proposals
        proposals.removeAll(keepingCapacity: true)
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
