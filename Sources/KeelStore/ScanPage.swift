/// One page of a key-value prefix scan.
public struct ScanPage: Sendable, Hashable {
    /// The keys and values, in key order.
    public var entries: [KeyValue]
    /// The key to pass as `startAfter` for the next page, or `nil` if the scan is complete.
    public var nextStartAfter: [UInt8]?

    /// Creates a page.
    public init(entries: [KeyValue], nextStartAfter: [UInt8]?) {
        self.entries = entries
        self.nextStartAfter = nextStartAfter
    }
}
