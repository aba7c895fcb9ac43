/// A write to the store: what a client asks for, replicated through the Raft log.
public enum Command: Sendable, Hashable {
    /// Stores `value` under `key`.
    case put(key: [UInt8], value: [UInt8])
    /// Removes `key` (absent is fine).
    case delete(key: [UInt8])
    /// Replaces the value of `key` only if the current value matches `expected`.
    /// `newValue == nil` deletes the key. Result: ``CommandResult/compareAndSet(swapped:current:)``.
    case compareAndSet(key: [UInt8], expected: CompareAndSetExpectation, newValue: [UInt8]?)
    /// Adds `delta` to the 8-byte big-endian Int64 counter at `key` (absent counts as 0).
    /// Result: ``CommandResult/counter(_:)``.
    case increment(key: [UInt8], delta: Int64)
    /// Puts, deletes, compare-and-sets and increments applied all together, in order: each
    /// operation sees the ones before it. If a compare-and-set's condition does not hold, the
    /// result is ``StoreError/batchConditionFailed(operation:)``, and if an increment cannot be
    /// made, its error; either way nothing of the batch is applied. Result otherwise:
    /// ``CommandResult/done``, or ``CommandResult/batchCounters(_:)`` when the batch has increments.
    case batch([BatchOperation])

    /// Adds or updates members of one sorted set, then trims it to `maxLength` (dropping the
    /// lowest scores) if given. Result: ``CommandResult/sortedSet(added:updated:removed:)``.
    case add(set: [UInt8], members: [ScoredMember], mode: AddMode, maxLength: UInt64?)
    /// Adds one member with one score to each of `sets` (the fanout), each then trimmed to
    /// `maxLength` if given. Result: totals over all sets.
    case addToMany(sets: [[UInt8]], member: [UInt8], score: Double, mode: AddMode, maxLength: UInt64?)
    /// Removes members from one set. Result: how many were present.
    case remove(set: [UInt8], members: [[UInt8]])
    /// Removes one member from each of `sets`. Result: how many removals happened.
    case removeFromMany(sets: [[UInt8]], member: [UInt8])
    /// Removes a whole set. Result: how many members it had.
    case deleteSet(set: [UInt8])
    /// Keeps only the `maxLength` highest-scored members.
    case trim(set: [UInt8], maxLength: UInt64)
    /// Removes the members whose score is in `minimum ... maximum` (inclusive).
    case removeByScoreRange(set: [UInt8], minimum: Double, maximum: Double)

    /// Adds `entries` to one entry-keyed set (``SetKind/entryKeyed``: an entry is its
    /// (score, member) pair, and the store keeps no member index), leaving entries already
    /// there alone, then trims the set to `maxLength` if given. Result: how many were added.
    case addEntries(set: [UInt8], entries: [ScoredMember], maxLength: UInt64?)
    /// The entry-keyed fanout: adds `entry` to each of `sets`, each then trimmed to
    /// `maxLength` if given. Result: totals over all sets.
    case addEntryToMany(sets: [[UInt8]], entry: ScoredMember, maxLength: UInt64?)
    /// Removes `entries` (each by its score and member) from one entry-keyed set.
    case removeEntries(set: [UInt8], entries: [ScoredMember])
    /// Removes `entry` from each entry-keyed set of `sets`.
    case removeEntryFromMany(sets: [[UInt8]], entry: ScoredMember)

    /// The condition of ``Command/compareAndSet(key:expected:newValue:)``.
    public enum CompareAndSetExpectation: Sendable, Hashable {
        /// The key must currently hold exactly these bytes.
        case value([UInt8])
        /// The key must be absent.
        case absent
        /// Whether a key holding `current` (`nil`: absent) meets the condition.
        func isMet(by current: [UInt8]?) -> Bool {
            switch self {
            case .absent: current == nil
            case .value(let value): current == value
            }
        }
    }

    /// One write of ``Command/batch(_:)``.
    public enum BatchOperation: Sendable, Hashable {
        case put(key: [UInt8], value: [UInt8])
        case delete(key: [UInt8])
        /// Writes `newValue` (`nil`: deletes the key) if the key matches `expected`, as the
        /// batch's earlier operations left it; otherwise the whole batch fails.
        case compareAndSet(key: [UInt8], expected: CompareAndSetExpectation, newValue: [UInt8]?)
        /// Adds `delta` to the counter at `key`, as the batch's earlier operations left it.
        case increment(key: [UInt8], delta: Int64)

        /// The key the operation writes.
        public var key: [UInt8] {
            switch self {
            case .put(let key, _), .delete(let key), .compareAndSet(let key, _, _), .increment(let key, _): key
            }
        }
    }

    /// How an add treats members that are already in the set. New members are always added.
    public enum AddMode: UInt8, Sendable, Hashable, CaseIterable {
        /// Replace the score of an existing member.
        case upsert = 0
        /// Leave existing members alone.
        case onlyIfAbsent = 1
        /// Replace an existing member's score only with a greater one.
        case onlyIfGreater = 2
    }
}

/// A sorted-set member and its score.
public struct ScoredMember: Sendable, Hashable {
    /// The member's bytes (for feeds, an activity id).
    public var member: [UInt8]
    /// The score (for feeds, a timestamp). Never NaN; -0.0 is stored as +0.0.
    public var score: Double

    /// Creates a scored member.
    public init(member: [UInt8], score: Double) {
        self.member = member
        self.score = score
    }
}
