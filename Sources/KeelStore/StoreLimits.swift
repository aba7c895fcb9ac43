/// The documented limits of commands and queries. Larger inputs fail with a typed
/// ``StoreError`` and change nothing.
public enum StoreLimits {
    /// Longest key, in bytes, of a key-value pair or a sorted set.
    public static let maxKeySize = 1024
    /// Longest value, in bytes.
    public static let maxValueSize = 1 << 20
    /// Longest sorted-set member, in bytes.
    public static let maxMemberSize = 1024
    /// Most sets one command (add-to-many, remove-from-many) or one merged range may name.
    public static let maxSetsPerCommand = 10_000
    /// Most members one add or remove command may carry.
    public static let maxMembersPerCommand = 10_000
    /// Most operations in one atomic batch.
    public static let maxBatchOperations = 10_000
    /// Largest page a query may ask for.
    public static let maxPageLimit = 10_000
    /// Largest offset a range query may skip (offset paging reads every skipped member).
    public static let maxRangeOffset = 100_000
    /// Most sets one merged range may read.
    public static let maxMergedSets = 1_000
    /// Most keys one multi-get may read.
    public static let maxKeysPerGet = 1_000
    /// Most bytes of values one multi-get may return (8 MiB: its answer stays well inside a
    /// 16 MiB frame whatever the keys).
    public static let maxGetManyValueBytes = 8 << 20
}
