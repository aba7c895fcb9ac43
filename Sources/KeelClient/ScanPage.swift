/// One page of a prefix scan (``KeelClient/scan(prefix:startAfter:limit:consistency:timeout:)``).
public struct ScanPage: Sendable, Hashable {
    /// The keys found, in ascending byte order.
    public var entries: [ScanEntry]
    /// Whether at least one more matching key exists after the last entry: pass
    /// ``nextStartAfter`` as `startAfter` to read the next page.
    public var more: Bool
    /// The serving node's applied log index when it read.
    public var appliedIndex: UInt64

    /// Creates a page.
    public init(entries: [ScanEntry], more: Bool, appliedIndex: UInt64) {
        self.entries = entries
        self.more = more
        self.appliedIndex = appliedIndex
    }

    /// The `startAfter` for the next page, or `nil` when this page was the last one.
    public var nextStartAfter: [UInt8]? {
        self.more ? self.entries.last?.key : nil
    }
}
