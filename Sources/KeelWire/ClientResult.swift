/// What a ``ClientResponse`` reports: the outcome of the request with the same id.
///
/// `appliedIndex` in a read result is the serving node's applied log index when it read; in a
/// write result it is the index of the log entry that carried the write.
public enum ClientResult: Sendable, Hashable {
    /// The request failed; nothing was written unless the code is ``ErrorCode/timeout`` or
    /// ``ErrorCode/unavailable`` after the request was sent (then the outcome is unknown).
    case error(ErrorReply)
    /// The interim answer to a write sent with ``ClientRequest/acknowledgeCommit``: its entry
    /// is committed at `index` (durable on a quorum, in the log for good); the final answer
    /// follows.
    case committed(index: UInt64)
    /// The value of the key, `nil` when it is absent (an empty value is `[]`).
    case get(value: [UInt8]?, appliedIndex: UInt64)
    /// A ``WriteOperation/put(key:value:)`` was applied.
    case put(appliedIndex: UInt64)
    /// A ``WriteOperation/delete(key:)`` was applied.
    case delete(appliedIndex: UInt64)
    /// A ``WriteOperation/compareAndSet(key:expected:newValue:)`` held and was applied.
    case compareAndSet(appliedIndex: UInt64)
    /// A ``WriteOperation/increment(key:delta:)`` was applied; `value` is the counter's new
    /// value.
    case increment(value: Int64, appliedIndex: UInt64)
    /// A batch was applied; `incrementValues` are the new values of its increments, in the
    /// order they appear in the batch.
    case batch(incrementValues: [Int64], appliedIndex: UInt64)
    /// The keys found, in ascending order; `more` is true when the limit cut the scan short
    /// (continue after the last key).
    case scan(entries: [KeyValue], more: Bool, appliedIndex: UInt64)
    /// The values of a multi-get's keys, in the order asked, `nil` where a key is absent; all
    /// read from the state at `appliedIndex`.
    case getMany(values: [[UInt8]?], appliedIndex: UInt64)
    /// The answer to a ``SortedSetOperation``.
    case sortedSet(SortedSetResult)
    /// The answer to an ``AdminOperation``.
    case admin(AdminResult)
    /// The response carried no result, or one this build does not know (a newer server).
    case unknown
}
