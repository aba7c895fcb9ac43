/// What a compare-and-set does when its condition holds.
public enum CompareAndSetReplacement: Sendable, Hashable {
    /// Store these bytes under the key.
    case value([UInt8])
    /// Delete the key.
    case delete
}
