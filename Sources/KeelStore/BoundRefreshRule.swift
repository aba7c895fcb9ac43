/// When a trimming command resets a set's stored lowest-score bound to the set's true lowest
/// score.
///
/// A trim only removes a set's lowest members, so the bound its count record holds stays a
/// valid lower bound without being touched; keeping it spares the record's rewrite when the
/// count does not change either (a full feed's insert plus trim). A stale bound costs scans of
/// the set's oldest end a step over the entries trimmed since, so it is refreshed now and then.
/// The rule depends only on the log (the entry's index and the set's key), never on how
/// entries are grouped into apply calls or on what a replica has cached, so every replica
/// stores the same bytes after the same entry.
enum BoundRefreshRule {
    /// One trimming command in `period` (per set, spread by a hash) refreshes the bound.
    static let period: UInt64 = 8

    /// Whether the trim of `set` by the command at log index `entryIndex` refreshes the bound.
    static func refreshes(entryIndex: UInt64, set: [UInt8]) -> Bool {
        hash(entryIndex: entryIndex, set: set) % period == 0
    }

    /// FNV-1a over the index (big-endian) and the set key, then a SplitMix64 finalizer so the
    /// low bits depend on every input bit. Fixed, unlike Swift's per-process seeded `Hasher`.
    static func hash(entryIndex: UInt64, set: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01B3
        var index = entryIndex.bigEndian
        withUnsafeBytes(of: &index) { bytes in
            for byte in bytes {
                hash = (hash ^ UInt64(byte)) &* prime
            }
        }
        for byte in set {
            hash = (hash ^ UInt64(byte)) &* prime
        }
        hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }
}
