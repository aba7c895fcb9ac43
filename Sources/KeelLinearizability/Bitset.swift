/// A fixed-size set of operation indices with an incrementally maintained hash
/// (Zobrist hashing: each index owns a random 64-bit word, the hash is the XOR of the words
/// of the members), so that hashing a configuration does not walk the whole set.
struct Bitset: Hashable {
    private(set) var words: [UInt64]
    private(set) var hashWord: UInt64 = 0

    init(capacity: Int) {
        words = Array(repeating: 0, count: (capacity + 63) / 64)
    }

    mutating func insert(_ index: Int) {
        words[index >> 6] |= 1 << UInt64(index & 63)
        hashWord ^= Self.zobrist(index)
    }

    mutating func remove(_ index: Int) {
        words[index >> 6] &= ~(1 << UInt64(index & 63))
        hashWord ^= Self.zobrist(index)
    }

    func contains(_ index: Int) -> Bool {
        words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(hashWord)
    }

    static func == (lhs: Bitset, rhs: Bitset) -> Bool {
        lhs.hashWord == rhs.hashWord && lhs.words == rhs.words
    }

    /// SplitMix64 of the index: fixed, well-mixed words without storing a table.
    private static func zobrist(_ index: Int) -> UInt64 {
        var z = UInt64(truncatingIfNeeded: index) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
