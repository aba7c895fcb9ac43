/// Appends integers, doubles and length-prefixed byte strings to a growing buffer; the
/// inverse of ``ByteReader``. Used for commands, results and session records.
struct ByteWriter {
    private(set) var bytes: [UInt8]

    init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func writeByte(_ value: UInt8) {
        bytes.append(value)
    }

    /// LEB128: seven bits per byte, low bits first, high bit set on every byte but the last.
    mutating func writeVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    mutating func writeVarint(_ value: Int) {
        writeVarint(UInt64(value))
    }

    /// Zigzag then LEB128, so small negative numbers stay short.
    mutating func writeSignedVarint(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func writeUInt64(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func writeDouble(_ value: Double) {
        writeUInt64(value.bitPattern)
    }

    mutating func writeBool(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    mutating func writeBytes(_ value: [UInt8]) {
        writeVarint(value.count)
        bytes.append(contentsOf: value)
    }

    mutating func writeOptionalBytes(_ value: [UInt8]?) {
        if let value {
            writeByte(1)
            writeBytes(value)
        } else {
            writeByte(0)
        }
    }
}
