/// A deterministic failure of a command or of a query's arguments.
///
/// Command failures are results, not faults: the entry still counts as applied, nothing else
/// changes, and the client's session remembers the failure so a retry gets the same answer.
public enum StoreError: Error, Sendable, Hashable {
    /// A key-value key or sorted-set key is empty.
    case emptyKey
    /// A key is longer than ``StoreLimits/maxKeySize``.
    case keyTooLarge(size: Int)
    /// A value is longer than ``StoreLimits/maxValueSize``.
    case valueTooLarge(size: Int)
    /// A member is longer than ``StoreLimits/maxMemberSize``.
    case memberTooLarge(size: Int)
    /// A command carries no member, set or operation where it needs at least one.
    case emptyCommand
    /// More sets than ``StoreLimits/maxSetsPerCommand`` (or ``StoreLimits/maxMergedSets``).
    case tooManySets(count: Int)
    /// More members than ``StoreLimits/maxMembersPerCommand``.
    case tooManyMembers(count: Int)
    /// More operations than ``StoreLimits/maxBatchOperations``.
    case tooManyOperations(count: Int)
    /// A score is NaN.
    case nanScore
    /// A maximum length of zero (use delete-set to empty a set).
    case invalidMaxLength
    /// A page limit of zero or above ``StoreLimits/maxPageLimit``.
    case invalidLimit(Int)
    /// An offset above ``StoreLimits/maxRangeOffset``.
    case invalidOffset(Int)
    /// Increment of a value that is not an 8-byte counter.
    case notACounter
    /// Increment past the range of Int64.
    case counterOverflow
    /// A retried command older than the last one this client's session remembers.
    case staleSequence(lastApplied: UInt64)
    /// A client the table does not know (expired or evicted) sent a sequence other than 1:
    /// its earlier commands can no longer be deduplicated, so it must start a new session.
    case sessionExpired
    /// The entry's bytes are not a command this build can decode.
    case malformedCommand(CommandDecodingError)
    /// A multi-get of more keys than ``StoreLimits/maxKeysPerGet``.
    case tooManyKeys(count: Int)
    /// A multi-get whose values total more than ``StoreLimits/maxGetManyValueBytes``; `bytes`
    /// is the total up to the first value over the budget (the reading stops there).
    case replyTooLarge(bytes: Int)
    /// A member-keyed command (add, add-to-many, remove, remove-from-many, score) on an
    /// entry-keyed set, or an entry-keyed one on a member-keyed set (``SetKind``).
    case wrongSetKind
    /// The compare-and-set at index `operation` of a batch found its key not holding the
    /// expected value; nothing of the batch was applied.
    case batchConditionFailed(operation: Int)
}

/// Why ``KeelStore/apply(_:sync:)`` stopped without applying a group, other than RocksDB
/// failing.
public enum StoreApplyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The entry at `index` holds bytes that may be a command of a newer version of Keel
    /// (``CommandDecodingError/mayBeFromNewerVersion``). Replicas must agree on every entry's
    /// effect, and a newer replica applies it, so this one stops instead of counting it as a
    /// failed command; once upgraded, it applies the entry.
    case entryFromNewerVersion(index: UInt64, CommandDecodingError)

    public var description: String {
        switch self {
        case .entryFromNewerVersion(let index, let error):
            "entry \(index) holds a command this build cannot read (\(error)), written by a newer version of Keel: upgrade this node and restart it"
        }
    }
}
