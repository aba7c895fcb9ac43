/// Reads what ``ByteWriter`` wrote, failing with a typed error (never trapping) on truncated
/// or malformed input, and never allocating more than the input could hold.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset == bytes.count }
    var remainingCount: Int { bytes.count - offset }

    mutating func readByte() throws(CommandDecodingError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readVarint() throws(CommandDecodingError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            // The tenth byte may only carry the one remaining bit.
            if shift == 63 && byte > 1 { throw .malformed("varint overflows 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    mutating func readSignedVarint() throws(CommandDecodingError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A count of items that each take at least one byte, so a hostile count cannot make the
    /// caller reserve more than the input could hold.
    mutating func readCount() throws(CommandDecodingError) -> Int {
        let count = try readVarint()
        guard count <= UInt64(remainingCount) else { throw .truncated }
        return Int(count)
    }

    mutating func readUInt64() throws(CommandDecodingError) -> UInt64 {
        guard remainingCount >= 8 else { throw .truncated }
        var value: UInt64 = 0
        for index in offset..<(offset + 8) {
            value = value << 8 | UInt64(bytes[index])
        }
        offset += 8
        return value
    }

    mutating func readDouble() throws(CommandDecodingError) -> Double {
        Double(bitPattern: try readUInt64())
    }

    mutating func readBool() throws(CommandDecodingError) -> Bool {
        switch try readByte() {
        case 0: return false
        case 1: return true
        case let other: throw .malformed("invalid boolean \(other)")
        }
    }

    mutating func readBytes() throws(CommandDecodingError) -> [UInt8] {
        let count = try readCount()
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// Steps over a length-prefixed byte string without copying it.
    mutating func skipBytes() throws(CommandDecodingError) {
        offset += try readCount()
    }

    mutating func readOptionalBytes() throws(CommandDecodingError) -> [UInt8]? {
        try readBool() ? try readBytes() : nil
    }

    func expectEnd() throws(CommandDecodingError) {
        guard isAtEnd else { throw .trailingBytes(remainingCount) }
    }
}
