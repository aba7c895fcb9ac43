import KeelWire

/// A write the cluster has committed (its entry is on the disks of a quorum and in the log for
/// good) but may not have applied yet, returned by the `...Committed` variants of writes such
/// as ``KeelClient/zaddEntryToManyCommitted(_:member:score:maxLength:timeout:)``.
///
/// Every linearizable or lease read that starts after the write was returned sees it, unless
/// applying it fails; ``result()`` says whether it did. Applying fails only for reasons the
/// plain call would have thrown too (a set of the other kind, for example, or an exactly-once
/// session the cluster dropped after an hour idle or among its 100,000 least recent), so a
/// caller that must know checks ``result()`` and repeats or repairs the write when it throws.
public struct CommittedWrite<Result: Sendable>: Sendable {
    /// The write's log index, when the node announced its commit; `nil` when the node
    /// answered only once it had applied the write (a node older than this client).
    public let index: UInt64?
    private let outcome: Task<Result, any Error>

    fileprivate init(index: UInt64?, outcome: Task<Result, any Error>) {
        self.index = index
        self.outcome = outcome
    }

    /// Waits until the leader has applied the write and returns what the plain call would
    /// have returned.
    /// - Throws: What the plain call would have thrown.
    public func result() async throws -> Result {
        try await self.outcome.value
    }
}

extension KeelClient {
    /// Sends a write that the leader announces as soon as it is committed, and returns then;
    /// the write's final answer (and the retries that may take) goes on in a task of its own,
    /// whose value `transform` makes.
    /// - Throws: ``KeelError`` or `CancellationError` when the write fails before its commit is
    ///   known (cancelling the caller cancels the write's task too).
    func executeCommitted<Result: Sendable>(
        _ operation: ClientOperation,
        timeout: Duration?,
        transform: @escaping @Sendable (ClientResult) throws -> Result
    ) async throws -> CommittedWrite<Result> {
        // The first announced index, or nil once the write ended without one.
        let commit = OneShotCompletion<UInt64?>()
        let outcome = Task<Result, any Error> {
            // Ends the wait below whatever happens, so a write that fails before its commit (or
            // a node that answers only finally) does not leave the caller waiting.
            defer { commit.complete(.success(nil)) }
            let result = try await self.execute(operation, route: .leader, timeout: timeout) { index in
                commit.complete(.success(index))
            }
            return try transform(result)
        }
        let index: UInt64?
        do {
            index = try await commit.value()
        } catch {
            outcome.cancel()
            throw CancellationError()
        }
        if index == nil {
            // No announcement: the task ended first, with the final answer or an error.
            _ = try await outcome.value
        }
        return CommittedWrite(index: index, outcome: outcome)
    }
}
