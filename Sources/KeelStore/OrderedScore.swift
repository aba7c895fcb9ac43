/// The order-preserving 8-byte encoding of a score: comparing two encodings as big-endian
/// unsigned integers (or bytewise) orders them exactly as the doubles.
///
/// Positive doubles get their sign bit set, negative doubles have every bit flipped, so
/// -inf < negatives < 0 < positives < +inf. -0.0 is stored as +0.0 so that a member has one
/// position; NaN has no place in the order and is rejected before encoding.
public enum OrderedScore {
    /// The encoding of `score`. `score` must not be NaN.
    @inline(__always)
    public static func encode(_ score: Double) -> UInt64 {
        let bits = (score == 0 ? 0.0 : score).bitPattern
        return bits & (1 << 63) == 0 ? bits | (1 << 63) : ~bits
    }

    /// The score `encoded` stands for.
    @inline(__always)
    public static func decode(_ encoded: UInt64) -> Double {
        Double(bitPattern: encoded & (1 << 63) != 0 ? encoded & ~(1 << 63) : ~encoded)
    }

    /// `score` with -0.0 replaced by +0.0: the score a stored member reads back with.
    @inline(__always)
    public static func canonical(_ score: Double) -> Double {
        score == 0 ? 0.0 : score
    }
}
