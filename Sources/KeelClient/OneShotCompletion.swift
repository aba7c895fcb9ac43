import NIOCore
import Synchronization

/// A value that one task waits for and that whoever comes first supplies: an answer, a
/// deadline timer, a cancellation or a closing connection.
///
/// Whoever completes it may do so before the waiter has suspended; the result is kept until
/// the waiter arrives. Only the first completion counts, so the parties never need to agree
/// on who resumes the waiter.
final class OneShotCompletion<Value: Sendable>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Value, any Error>?)
        case completed(Result<Value, ConnectionFailure>)
        case delivered
    }

    private let state = Mutex<State>(.waiting(nil))

    /// Completes with `result` unless something else completed first.
    /// - Returns: Whether this call was the one that counted.
    @discardableResult
    func complete(_ result: Result<Value, ConnectionFailure>) -> Bool {
        let (counted, continuation) = self.state.withLock { state -> (Bool, CheckedContinuation<Value, any Error>?) in
            switch state {
            case .waiting(nil):
                state = .completed(result)
                return (true, nil)
            case .waiting(let continuation?):
                state = .delivered
                return (true, continuation)
            case .completed, .delivered:
                return (false, nil)
            }
        }
        continuation?.resume(with: result.mapError { $0 as any Error })
        return counted
    }

    /// Waits for the completion, failing with ``ConnectionFailure/deadlinePassed(requestSent:)`` at
    /// `deadline` and with ``ConnectionFailure/cancelled(requestSent:)`` when the task is cancelled.
    ///
    /// Schedules a timer of its own: for rare waits. A request on a connection uses ``value()``
    /// and the connection's shared deadline timer instead.
    /// - Parameters:
    ///   - deadline: When to stop waiting.
    ///   - timerLoop: The event loop that runs the deadline timer.
    func value(before deadline: NIODeadline, timerLoop: any EventLoop) async throws(ConnectionFailure) -> Value {
        let timer = timerLoop.scheduleTask(deadline: deadline) {
            self.complete(.failure(.deadlinePassed(requestSent: false)))
        }
        defer { timer.cancel() }
        return try await self.value()
    }

    /// Waits for the completion, failing with ``ConnectionFailure/cancelled(requestSent:)`` when
    /// the task is cancelled. Whoever waits this way makes sure something completes it in time.
    func value() async throws(ConnectionFailure) -> Value {
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    self.install(continuation)
                }
            } onCancel: {
                self.complete(.failure(.cancelled(requestSent: false)))
            }
        } catch let failure as ConnectionFailure {
            throw failure
        } catch {
            // Only ConnectionFailure values are ever stored.
            preconditionFailure("unexpected error \(error)")
        }
    }

    private func install(_ continuation: CheckedContinuation<Value, any Error>) {
        let early: Result<Value, ConnectionFailure>? = self.state.withLock { state in
            switch state {
            case .waiting:
                state = .waiting(continuation)
                return nil
            case .completed(let result):
                state = .delivered
                return result
            case .delivered:
                preconditionFailure("a OneShotCompletion is waited for once")
            }
        }
        if let early {
            continuation.resume(with: early.mapError { $0 as any Error })
        }
    }
}
