import Foundation

/// Counts client requests in flight across all connections, so that shutdown can wait for
/// them to finish.
final class RequestCounter: @unchecked Sendable {
    // Unchecked Sendable: `count` is only touched with `condition` locked.
    private let condition = NSCondition()
    private var count = 0

    func begin() {
        condition.lock()
        count += 1
        condition.unlock()
    }

    func end() {
        condition.lock()
        count -= 1
        if count == 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Waits until no request is in flight or `deadline` passes.
    /// - Returns: whether every request finished.
    func waitForZero(until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while count > 0 {
            if !condition.wait(until: deadline) { return count == 0 }
        }
        return true
    }
}
