/// Why the first bytes of a connection are not a preface this build accepts.
public enum PrefaceError: Error, Sendable, Hashable {
    /// The connection does not start with ASCII `KEEL`; carries the bytes that were there
    /// (possibly fewer than four: a mismatch is reported as soon as one byte differs).
    case wrongMagic([UInt8])
    /// The peer speaks a protocol version outside ``Preface/supportedVersions``.
    case unsupportedVersion(UInt16)
    /// The connection kind byte names no ``ConnectionKind``.
    case unknownConnectionKind(UInt8)
    /// The reserved byte must be zero in protocol version 1.
    case nonZeroReservedByte(UInt8)
    /// The bytes ended before all ``Preface/encodedLength`` bytes arrived.
    case truncated(length: Int)
}
