/// What the checker found for one key.
public struct PartitionReport: Hashable, Sendable {
    public var key: String
    public var model: ModelKind
    /// Operations checked: `ok` ones and `info` ones that can change state.
    public var operationCount: Int
    public var verdict: Verdict
    /// Search steps spent on this key, over every search run for it.
    public var steps: Int
}
