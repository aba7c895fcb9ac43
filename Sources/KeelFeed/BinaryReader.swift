/// Reads what ``BinaryWriter`` wrote; every read checks the bytes left, so corrupt input is
/// an error, never a trap.
struct BinaryReader {
    struct Malformed: Error {}

    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool {
        self.position == self.bytes.count
    }

    mutating func byte() throws -> UInt8 {
        guard self.position < self.bytes.count else { throw Malformed() }
        defer { self.position += 1 }
        return self.bytes[self.position]
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try self.byte()
            guard shift < 64 else { throw Malformed() }
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    mutating func int64() throws -> Int64 {
        guard self.bytes.count - self.position >= 8 else { throw Malformed() }
        var bits: UInt64 = 0
        for _ in 0..<8 {
            bits = (bits << 8) | UInt64(self.bytes[self.position])
            self.position += 1
        }
        return Int64(bitPattern: bits)
    }

    mutating func data() throws -> [UInt8] {
        let count = try self.varint()
        guard count <= UInt64(self.bytes.count - self.position) else { throw Malformed() }
        let end = self.position + Int(count)
        defer { self.position = end }
        return Array(self.bytes[self.position..<end])
    }

    mutating func string() throws -> String {
        let bytes = try self.data()
        guard let string = String(validating: bytes, as: UTF8.self) else { throw Malformed() }
        return string
    }
}
