/// The condition of a compare-and-set: what the key must hold for the write to happen.
public enum CompareAndSetExpectation: Sendable, Hashable {
    /// The key must exist and hold exactly these bytes.
    case value([UInt8])
    /// The key must not exist (create-only).
    case absent
}
