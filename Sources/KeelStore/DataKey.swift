/// Builds the keys of column family `data` (layout in docs/storage.md).
///
/// Every key starts with a one-byte tag. Sorted-set keys embed the set key behind a 2-byte
/// big-endian length, so one set's keys never share a prefix with another set's: `ab` and
/// `abc` become `00 02 a b` and `00 03 a b c`. The builders append to a caller's buffer so the
/// apply path can reuse one allocation for every key.
enum DataKey {
    static let valueTag: UInt8 = 0x4B     // "K": a key-value pair
    static let entryTag: UInt8 = 0x5A     // "Z": member entry, ordered by score
    static let memberTag: UInt8 = 0x4D    // "M": member index, member -> score
    static let countTag: UInt8 = 0x43     // "C": the set's cardinality

    /// `K | key`.
    static func value(_ key: [UInt8], into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(valueTag)
        buffer.append(contentsOf: key)
    }

    static func value(_ key: [UInt8]) -> [UInt8] {
        var buffer: [UInt8] = []
        value(key, into: &buffer)
        return buffer
    }

    /// `tag | len16 | set`: the prefix shared by every key of that kind for that set.
    static func setPrefix(_ tag: UInt8, _ set: [UInt8], into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(tag)
        buffer.append(UInt8(truncatingIfNeeded: set.count >> 8))
        buffer.append(UInt8(truncatingIfNeeded: set.count))
        buffer.append(contentsOf: set)
    }

    static func setPrefix(_ tag: UInt8, _ set: [UInt8]) -> [UInt8] {
        var buffer: [UInt8] = []
        setPrefix(tag, set, into: &buffer)
        return buffer
    }

    /// `Z | len16 | set | ~score8 | descending member` -> empty, for the member with encoded
    /// score `score` (``OrderedScore``). Both parts are stored order-reversed, so a set's entries
    /// lie in RocksDB newest first (highest score, ties highest member first): newest-first
    /// ranges are forward scans.
    static func entry(_ set: [UInt8], score: UInt64, member: [UInt8], into buffer: inout [UInt8]) {
        setPrefix(entryTag, set, into: &buffer)
        appendEntrySuffix(score: score, member: member, to: &buffer)
    }

    /// `~score8 | descending member`: what follows the set prefix in a member entry key.
    static func appendEntrySuffix(score: UInt64, member: [UInt8], to buffer: inout [UInt8]) {
        appendUInt64(~score, to: &buffer)
        appendDescendingMember(member, to: &buffer)
    }

    /// Appends the member bytes encoded so that bytewise order of the encodings is the REVERSE
    /// of the members' bytewise order, and no encoding is a prefix of another: each byte is
    /// complemented, except that 0x00 becomes `FF FE`; then the terminator `FF FF`. (Complement
    /// alone would not do: `a` is a prefix of `ab`, and their complements would still sort `a`
    /// first.)
    static func appendDescendingMember(_ member: [UInt8], to buffer: inout [UInt8]) {
        buffer.reserveCapacity(buffer.count + member.count + 2)
        for byte in member {
            if byte == 0 {
                buffer.append(0xFF)
                buffer.append(0xFE)
            } else {
                buffer.append(~byte)
            }
        }
        buffer.append(0xFF)
        buffer.append(0xFF)
    }

    /// Bytes a member entry key has beyond its set prefix at least: the score and a terminator.
    static let minimumEntrySuffixSize = 10

    /// The encoded score and member of a member entry key whose set prefix is `prefixLength`
    /// bytes long, or `nil` if the rest is not a valid `~score8 | descending member`.
    static func entryContents(of key: UnsafeRawBufferPointer, prefixLength: Int) -> ScoredEntry? {
        guard key.count >= prefixLength + minimumEntrySuffixSize else { return nil }
        let score = ~uint64(key, at: prefixLength)
        var member: [UInt8] = []
        member.reserveCapacity(key.count - prefixLength - minimumEntrySuffixSize)
        var index = prefixLength + 8
        while index < key.count {
            let byte = key[index]
            if byte != 0xFF {
                member.append(~byte)
                index += 1
                continue
            }
            guard index + 1 < key.count else { return nil }
            switch key[index + 1] {
            case 0xFE:
                member.append(0)
                index += 2
            case 0xFF:
                return index + 2 == key.count ? ScoredEntry(score: score, member: member) : nil
            default:
                return nil
            }
        }
        return nil
    }

    static func entryContents(of key: [UInt8], prefixLength: Int) -> ScoredEntry? {
        key.withUnsafeBytes { entryContents(of: $0, prefixLength: prefixLength) }
    }

    /// The position right after every member entry of the set (whose entry prefix is `prefix`)
    /// with an encoded score of `score` or more: seeking backward from it finds the lowest
    /// such member first. `score` 0 (no bound, below every encoded score) gives the end of the set.
    static func entriesEnd(scoredAtLeast score: UInt64, prefix: [UInt8]) -> [UInt8] {
        guard score != 0 else { return prefixEnd(prefix)! }
        var position = prefix
        appendUInt64(~score + 1, to: &position)
        return position
    }

    /// `M | len16 | set | member` -> score8.
    static func member(_ set: [UInt8], _ member: [UInt8], into buffer: inout [UInt8]) {
        setPrefix(memberTag, set, into: &buffer)
        buffer.append(contentsOf: member)
    }

    /// `C | len16 | set` -> count (8 bytes BE) | lower bound of the members' encoded scores
    /// (score8 as ``OrderedScore`` encodes it, not complemented; 8 bytes BE) | `01` for an
    /// entry-keyed set (nothing for a member-keyed one). Absent for an empty set.
    static func count(_ set: [UInt8], into buffer: inout [UInt8]) {
        setPrefix(countTag, set, into: &buffer)
    }

    /// A count record's value, or `nil` if `value` is not one.
    static func countRecord(_ value: UnsafeRawBufferPointer) -> (count: UInt64, lowestScore: UInt64, kind: SetKind)? {
        switch value.count {
        case 16: return (uint64(value), uint64(value, at: 8), .memberKeyed)
        case 17 where value[16] == SetKind.entryKeyed.rawValue: return (uint64(value), uint64(value, at: 8), .entryKeyed)
        default: return nil
        }
    }

    static func countRecord(_ value: [UInt8]) -> (count: UInt64, lowestScore: UInt64, kind: SetKind)? {
        value.withUnsafeBytes { countRecord($0) }
    }

    static func appendCountRecord(count: UInt64, lowestScore: UInt64, kind: SetKind, to buffer: inout [UInt8]) {
        appendUInt64(count, to: &buffer)
        appendUInt64(lowestScore, to: &buffer)
        if kind == .entryKeyed {
            buffer.append(kind.rawValue)
        }
    }

    static func appendUInt64(_ value: UInt64, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }

    static func uint64(_ bytes: UnsafeRawBufferPointer, at offset: Int = 0) -> UInt64 {
        var value: UInt64 = 0
        for index in offset..<(offset + 8) {
            value = value << 8 | UInt64(bytes[index])
        }
        return value
    }

    static func uint64(_ bytes: [UInt8], at offset: Int = 0) -> UInt64 {
        bytes.withUnsafeBytes { uint64($0, at: offset) }
    }

    static func bigEndian(_ value: UInt64) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8)
        appendUInt64(value, to: &buffer)
        return buffer
    }

    /// The smallest key greater than every key that starts with `prefix`, or `nil` if there
    /// is none (the prefix is all 0xFF).
    static func prefixEnd(_ prefix: [UInt8]) -> [UInt8]? {
        var end = prefix
        while let last = end.last {
            if last < 0xFF {
                end[end.count - 1] = last + 1
                return end
            }
            end.removeLast()
        }
        return nil
    }
}
