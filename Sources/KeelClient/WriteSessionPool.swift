import DequeModule
import NIOCore
import Synchronization

/// The client's exactly-once sessions, each carrying at most one write at a time.
///
/// The cluster remembers one result per session: the last sequence number it applied
/// (Raft thesis section 6.3). A retry with that number gets the stored result; a lower number
/// is refused as stale, and an unknown session must start at 1. So two writes of one session
/// must never be in flight together (the second could overtake the first, which would then be
/// refused, or a retry of the first would find its result overwritten). The pool therefore
/// hands each write a session of its own for the whole call, retries included, and takes it
/// back afterwards; concurrent writes use different sessions, and a writer beyond
/// ``KeelClientConfiguration/maximumConcurrentWrites`` waits for one to come back.
final class WriteSessionPool: Sendable {
    /// One session and where its numbering stands.
    struct Lease: Sendable {
        /// The session id, random and nonzero.
        let clientID: UInt64
        /// The sequence number of the write this lease is for.
        fileprivate(set) var sequence: UInt64
        /// Whether the cluster has recorded this session (a write of it succeeded); before
        /// that, the session must start at sequence 1 again.
        fileprivate var confirmed: Bool
        fileprivate var lastUsed: NIODeadline
    }

    private struct Waiter {
        let id: UInt64
        let completion: OneShotCompletion<Lease>
    }

    private enum LeaseOrWaiter {
        case lease(Lease)
        case waiter(Waiter)
    }

    private struct State {
        var idle: [Lease] = []
        var sessionsInUse = 0
        var waiters: Deque<Waiter> = []
        var nextWaiterID: UInt64 = 0
    }

    private let maximumSessions: Int
    private let idleLimit: TimeAmount
    private let state = Mutex(State())

    /// - Parameters:
    ///   - maximumSessions: How many writes may be in flight at once.
    ///   - idleLimit: A session unused for this long is replaced by a new one, well before the
    ///     cluster would expire it.
    init(maximumSessions: Int, idleLimit: Duration) {
        precondition(maximumSessions > 0, "at least one write session is needed")
        self.maximumSessions = maximumSessions
        self.idleLimit = TimeAmount(idleLimit)
    }

    /// Takes a session for one write and numbers the write.
    /// - Parameters:
    ///   - deadline: When to stop waiting for a free session.
    ///   - timerLoops: Where a waiting writer's deadline timer runs; a loop is picked only
    ///     when the writer has to wait.
    /// - Throws: ``ConnectionFailure/deadlinePassed(requestSent:)`` or
    ///   ``ConnectionFailure/cancelled(requestSent:)`` while waiting for a free session.
    func lease(deadline: NIODeadline, timerLoops: any EventLoopGroup) async throws(ConnectionFailure) -> Lease {
        let now = NIODeadline.now()
        let immediate = self.state.withLock { state -> LeaseOrWaiter in
            if let lease = state.idle.popLast() {
                state.sessionsInUse += 1
                if now - lease.lastUsed < self.idleLimit {
                    return .lease(Self.numbered(lease))
                }
                return .lease(Self.numbered(Self.freshLease()))
            }
            if state.sessionsInUse < self.maximumSessions {
                state.sessionsInUse += 1
                return .lease(Self.numbered(Self.freshLease()))
            }
            let waiter = Waiter(id: state.nextWaiterID, completion: OneShotCompletion())
            state.nextWaiterID += 1
            state.waiters.append(waiter)
            return .waiter(waiter)
        }
        switch immediate {
        case .lease(let lease):
            return lease
        case .waiter(let waiter):
            do {
                return Self.numbered(try await waiter.completion.value(before: deadline, timerLoop: timerLoops.any()))
            } catch {
                self.state.withLock { state in
                    state.waiters.removeAll { $0.id == waiter.id }
                }
                throw error
            }
        }
    }

    /// Returns a session after its write finished.
    /// - Parameters:
    ///   - lease: The lease ``lease(deadline:timerLoops:)`` gave.
    ///   - outcome: How the write ended.
    func giveBack(_ lease: Lease, outcome: WriteOutcome) {
        var lease = lease
        lease.lastUsed = .now()
        switch outcome {
        case .applied:
            lease.confirmed = true
        case .notApplied where lease.confirmed:
            // The cluster accepts any number above the last it applied: the gap is harmless.
            break
        case .notApplied, .unknown:
            // An unconfirmed session must restart at 1, and after an unknown outcome nobody
            // knows where its numbering stands on the cluster: start a new session.
            lease = Self.freshLease()
        }
        self.state.withLock { state in
            while let waiter = state.waiters.popFirst() {
                if waiter.completion.complete(.success(lease)) {
                    return
                }
            }
            state.sessionsInUse -= 1
            state.idle.append(lease)
        }
    }

    /// How a leased write ended.
    enum WriteOutcome {
        /// The cluster answered with success.
        case applied
        /// The write was definitely not applied.
        case notApplied
        /// The write may or may not have been applied.
        case unknown
    }

    private static func numbered(_ lease: Lease) -> Lease {
        var lease = lease
        lease.sequence += 1
        return lease
    }

    private static func freshLease() -> Lease {
        var clientID: UInt64 = 0
        while clientID == 0 {
            clientID = UInt64.random(in: .min ... .max)
        }
        return Lease(clientID: clientID, sequence: 0, confirmed: false, lastUsed: .now())
    }
}
