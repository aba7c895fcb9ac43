/// Reads what ``BinaryCoding`` wrote; every read checks the remaining length.
struct BinaryReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position == bytes.count }

    mutating func uint64() throws(StorageCorruption) -> UInt64 {
        guard bytes.count - position >= 8 else { throw StorageCorruption("record too short for a UInt64") }
        var value: UInt64 = 0
        for offset in 0..<8 { value = value << 8 | UInt64(bytes[position + offset]) }
        position += 8
        return value
    }

    mutating func uint32() throws(StorageCorruption) -> UInt32 {
        guard bytes.count - position >= 4 else { throw StorageCorruption("record too short for a UInt32") }
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 8 | UInt32(bytes[position + offset]) }
        position += 4
        return value
    }

    mutating func uint8() throws(StorageCorruption) -> UInt8 {
        guard position < bytes.count else { throw StorageCorruption("record too short for a byte") }
        position += 1
        return bytes[position - 1]
    }

    mutating func bytes(count: Int) throws(StorageCorruption) -> [UInt8] {
        guard count >= 0, bytes.count - position >= count else { throw StorageCorruption("record too short") }
        position += count
        return Array(bytes[(position - count)..<position])
    }

    mutating func rest() -> [UInt8] {
        defer { position = bytes.count }
        return Array(bytes[position...])
    }

    mutating func string() throws(StorageCorruption) -> String {
        let count = Int(try uint32())
        return String(decoding: try bytes(count: count), as: UTF8.self)
    }

    mutating func ids() throws(StorageCorruption) -> [UInt64] {
        let count = Int(try uint32())
        guard count <= (bytes.count - position) / 8 else { throw StorageCorruption("id list longer than record") }
        var ids: [UInt64] = []
        ids.reserveCapacity(count)
        for _ in 0..<count { ids.append(try uint64()) }
        return ids
    }
}
