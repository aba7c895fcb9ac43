/// A user key and its value.
public struct KeyValue: Sendable, Hashable {
    /// The key, without the store's internal prefix.
    public var key: [UInt8]
    /// The value.
    public var value: [UInt8]

    /// Creates a pair.
    public init(key: [UInt8], value: [UInt8]) {
        self.key = key
        self.value = value
    }
}
