import NIOCore

/// The fixed 8 bytes that open every Keel connection, sent once by the connecting side.
///
/// Layout: ASCII `KEEL`, the protocol version (`UInt16`, big-endian), the ``ConnectionKind``
/// (one byte) and a reserved byte that is zero. The magic and the version are checked on
/// these bytes alone, before any protobuf is parsed, so a later protocol version is free to
/// change everything that follows them.
public struct Preface: Sendable, Hashable {
    /// ASCII `KEEL`.
    public static let magic: [UInt8] = Array("KEEL".utf8)
    /// The protocol version this build speaks when it connects.
    public static let currentVersion: UInt16 = 1
    /// The protocol versions this build accepts from a connecting side.
    public static let supportedVersions: ClosedRange<UInt16> = 1...1
    /// The size of an encoded preface in bytes.
    public static let encodedLength = 8

    /// The protocol version the connecting side speaks.
    public var version: UInt16
    /// What the connecting side is.
    public var kind: ConnectionKind

    /// Creates a preface.
    /// - Parameters:
    ///   - version: The protocol version; defaults to ``currentVersion``.
    ///   - kind: What the connecting side is.
    public init(version: UInt16 = Preface.currentVersion, kind: ConnectionKind) {
        self.version = version
        self.kind = kind
    }

    /// Appends the 8 preface bytes to `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeBytes(Preface.magic)
        buffer.writeInteger(self.version, endianness: .big)
        buffer.writeInteger(self.kind.rawValue)
        buffer.writeInteger(UInt8(0))
    }

    /// The 8 preface bytes.
    public func serialized() -> [UInt8] {
        var buffer = ByteBuffer()
        self.encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Parses a complete preface.
    /// - Parameter bytes: The first bytes of a connection; only the first ``encodedLength``
    ///   are read.
    /// - Throws: ``PrefaceError`` when the bytes are short, do not start with the magic, or
    ///   carry an unsupported version, an unknown kind or a nonzero reserved byte.
    public init(parsing bytes: some Collection<UInt8>) throws(PrefaceError) {
        var buffer = ByteBuffer(bytes: bytes)
        guard let preface = try Preface.parse(from: &buffer) else {
            throw .truncated(length: bytes.count)
        }
        self = preface
    }

    /// Parses a preface from the front of `buffer` if all of it has arrived.
    ///
    /// The magic is checked on however many bytes are there, so a connection that is not
    /// Keel traffic (an HTTP request, say) is refused as soon as its first byte differs.
    /// - Parameter buffer: Incoming bytes; on success its reader index moves past the preface,
    ///   otherwise it is left untouched.
    /// - Returns: The preface, or `nil` when fewer than ``encodedLength`` bytes are readable
    ///   and those that are match the magic.
    /// - Throws: ``PrefaceError`` when the bytes cannot be a supported preface.
    public static func parse(from buffer: inout ByteBuffer) throws(PrefaceError) -> Preface? {
        let magicBytesAvailable = min(buffer.readableBytes, Preface.magic.count)
        let receivedMagic = buffer.getBytes(at: buffer.readerIndex, length: magicBytesAvailable) ?? []
        guard receivedMagic.elementsEqual(Preface.magic.prefix(magicBytesAvailable)) else {
            throw .wrongMagic(receivedMagic)
        }
        guard buffer.readableBytes >= Preface.encodedLength else {
            return nil
        }
        let start = buffer.readerIndex
        // The four integer reads below are within the 8 readable bytes checked above.
        let version = buffer.getInteger(at: start + 4, endianness: .big, as: UInt16.self)!
        let kindByte = buffer.getInteger(at: start + 6, as: UInt8.self)!
        let reserved = buffer.getInteger(at: start + 7, as: UInt8.self)!
        guard Preface.supportedVersions.contains(version) else {
            throw .unsupportedVersion(version)
        }
        guard let kind = ConnectionKind(rawValue: kindByte) else {
            throw .unknownConnectionKind(kindByte)
        }
        guard reserved == 0 else {
            throw .nonZeroReservedByte(reserved)
        }
        buffer.moveReaderIndex(forwardBy: Preface.encodedLength)
        return Preface(version: version, kind: kind)
    }
}
