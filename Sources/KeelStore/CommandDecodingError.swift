/// Why bytes could not be decoded into a ``CommandEnvelope`` (or a stored ``CommandResult``).
public enum CommandDecodingError: Error, Sendable, Hashable {
    /// The input is empty: an empty Raft entry is a no-op, not a command.
    case empty
    /// The first byte names an encoding version this build does not know.
    case unsupportedVersion(UInt8)
    /// The command (or result) tag is unknown.
    case unknownTag(UInt8)
    /// The input ended in the middle of a field.
    case truncated
    /// Bytes were left over after a complete command.
    case trailingBytes(Int)
    /// A field holds a value outside its domain.
    case malformed(String)
}

extension CommandDecodingError {
    /// Whether the bytes may be a command of a newer version of Keel rather than damaged
    /// ones: a newer encoding version, or a command (or batch operation) tag this build does
    /// not know.
    public var mayBeFromNewerVersion: Bool {
        switch self {
        case .unsupportedVersion(let version): version > CommandEnvelope.encodingVersion
        case .unknownTag: true
        case .empty, .truncated, .trailingBytes, .malformed: false
        }
    }
}
