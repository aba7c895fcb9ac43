import Foundation

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

    /// Takes the queued proposals without waiting, leaving every other event queued in order.
    func takeProposals() -> [WriteProposal] {
        condition.lock()
        defer { condition.unlock() }
        guard !events.isEmpty else { return [] }
        var proposals: [WriteProposal] = []
        var others: [DriverEvent] = []
        for event in events {
            if case .propose(let proposal) = event { proposals.append(proposal) } else { others.append(event) }
        }
        if !proposals.isEmpty { events = others }
        return proposals
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
