/// Little-endian decoder matching `ByteWriter`; every read is bounds-checked.
struct ByteReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    mutating func readUInt8() throws(RaftError) -> UInt8 {
        guard position < bytes.count else { throw .malformedConfigurationEntry }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readUInt32() throws(RaftError) -> UInt32 {
        var value: UInt32 = 0
        for shift in stride(from: 0, to: 32, by: 8) { value |= UInt32(try readUInt8()) << UInt32(shift) }
        return value
    }

    mutating func readUInt64() throws(RaftError) -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 8) { value |= UInt64(try readUInt8()) << UInt64(shift) }
        return value
    }

    mutating func readBytes(_ count: Int) throws(RaftError) -> [UInt8] {
        guard count >= 0, bytes.count - position >= count else { throw .malformedConfigurationEntry }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }
}
