/// Appends length-prefixed fields to a byte buffer: the stored form of activities and fanout
/// records. Lengths are LEB128 varints, integers big-endian.
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) {
        self.bytes.append(value)
    }

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            self.bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        self.bytes.append(UInt8(rest))
    }

    mutating func int64(_ value: Int64) {
        let bits = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) {
            self.bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
    }

    mutating func data(_ value: [UInt8]) {
        self.varint(UInt64(value.count))
        self.bytes.append(contentsOf: value)
    }

    mutating func string(_ value: String) {
        self.data(Array(value.utf8))
    }
}
