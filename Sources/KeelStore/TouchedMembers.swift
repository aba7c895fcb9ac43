#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The members one apply group touched in one sorted set: each with its encoded score, or
/// `nil` once removed.
///
/// A member is named by its bytes and a `keyScore`: always 0 in a member-keyed set, the
/// entry's encoded score in an entry-keyed set (where the same member with two scores is two
/// entries).
///
/// A fanout group touches most of its sets with one or two members (the new one and the
/// trimmed one), and a trim asks about every cached head entry; a short list compared with
/// `memcmp` answers that without hashing and with one allocation instead of a dictionary's
/// storage. Past ``listLimit`` members (large adds, long trims) it moves to a dictionary.
struct TouchedMembers {
    /// Most members kept in the list before it becomes a dictionary.
    static let listLimit = 16

    private var list: [(keyScore: UInt64, member: [UInt8], score: UInt64?)] = []
    private var dictionary: [Key: UInt64?]?

    private struct Key: Hashable {
        var keyScore: UInt64
        var member: ByteString
    }

    var isEmpty: Bool { dictionary?.isEmpty ?? list.isEmpty }

    /// `.some(score)` (with `nil`: removed) if `member` was touched, else `nil`.
    func lookup(_ member: [UInt8], keyScore: UInt64 = 0) -> UInt64?? {
        if let dictionary {
            return dictionary[Key(keyScore: keyScore, member: ByteString(member))]
        }
        for touched in list where touched.keyScore == keyScore && Self.equal(touched.member, member) {
            return .some(touched.score)
        }
        return nil
    }

    func contains(_ member: [UInt8], keyScore: UInt64 = 0) -> Bool {
        if let dictionary {
            return dictionary.index(forKey: Key(keyScore: keyScore, member: ByteString(member))) != nil
        }
        return list.contains { $0.keyScore == keyScore && Self.equal($0.member, member) }
    }

    /// Records `member`'s score after the group's latest change (`nil`: removed).
    mutating func set(_ score: UInt64?, for member: [UInt8], keyScore: UInt64 = 0) {
        if dictionary != nil {
            // Assigning nil through the subscript would drop the entry instead of recording a removal.
            dictionary!.updateValue(score, forKey: Key(keyScore: keyScore, member: ByteString(member)))
            return
        }
        if let index = list.firstIndex(where: { $0.keyScore == keyScore && Self.equal($0.member, member) }) {
            list[index].score = score
            return
        }
        guard list.count < Self.listLimit else {
            var grown: [Key: UInt64?] = Dictionary(minimumCapacity: list.count * 2)
            for touched in list {
                grown.updateValue(touched.score, forKey: Key(keyScore: touched.keyScore, member: ByteString(touched.member)))
            }
            grown.updateValue(score, forKey: Key(keyScore: keyScore, member: ByteString(member)))
            dictionary = grown
            list = []
            return
        }
        list.append((keyScore, member, score))
    }

    mutating func removeAll() {
        list.removeAll()
        dictionary = nil
    }

    /// Whether `body` holds for every touched member, given its key score, bytes and score
    /// (`nil`: removed).
    func allSatisfy(_ body: (_ keyScore: UInt64, _ member: [UInt8], _ score: UInt64?) -> Bool) -> Bool {
        if let dictionary {
            return dictionary.allSatisfy { body($0.key.keyScore, $0.key.member.bytes, $0.value) }
        }
        return list.allSatisfy { body($0.keyScore, $0.member, $0.score) }
    }

    /// The touched members, in no particular order.
    func forEach(_ body: (_ member: [UInt8], _ score: UInt64?) -> Void) {
        if let dictionary {
            for (key, score) in dictionary { body(key.member.bytes, score) }
        } else {
            for touched in list { body(touched.member, touched.score) }
        }
    }

    private static func equal(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return left.withUnsafeBytes { left in
            right.withUnsafeBytes { right in
                left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
    }
}
