import Foundation

/// Runs blocking work (process control, polling with blocking sockets) on a thread of its own,
/// so that it never holds one of the few threads of Swift's cooperative pool that the clients
/// run on.
func runBlocking<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.start()
    }
}
