import NIOCore

/// Answers the driver produced during one step, delivered with one task per event loop
/// instead of one per request.
///
/// A client connection's completion runs on its channel's event loop; handing each answer
/// over separately costs a task allocation, a lock and often a wake-up of that loop per
/// request. The driver thread alone uses a batch.
struct ReplyBatch {
    private var pending: [(loop: any EventLoop, replies: [@Sendable () -> Void])] = []

    /// Queues `reply` for `loop`; without a loop it runs at once, on the calling thread.
    mutating func add(on loop: (any EventLoop)?, _ reply: @escaping @Sendable () -> Void) {
        guard let loop else { return reply() }
        if let position = pending.firstIndex(where: { $0.loop === loop }) {
            pending[position].replies.append(reply)
        } else {
            pending.append((loop, [reply]))
        }
    }

    /// Hands every queued answer to its event loop.
    mutating func deliver() {
        for (loop, replies) in pending {
            loop.execute {
                for reply in replies { reply() }
            }
        }
        pending.removeAll(keepingCapacity: true)
    }
}
