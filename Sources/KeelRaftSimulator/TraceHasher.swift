/// FNV-1a over the events of a run. The standard library's `Hasher` is seeded per process,
/// so it cannot show that two processes replayed the same run.
struct TraceHasher {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func combine(_ word: UInt64) {
        var remaining = word
        for _ in 0..<8 {
            value ^= remaining & 0xFF
            value = value &* 0x0000_0100_0000_01B3
            remaining >>= 8
        }
    }

    mutating func combine(_ bytes: [UInt8]) {
        combine(UInt64(bytes.count))
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
    }

    static func digest(of bytes: [UInt8]) -> UInt64 {
        var hasher = TraceHasher()
        hasher.combine(bytes)
        return hasher.value
    }
}
