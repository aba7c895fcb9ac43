import KeelClient

/// Where the next page of a feed starts: the position (time and stored member) of the last
/// activity of a page. Stable: activities arriving between pages neither repeat nor hide
/// older ones.
///
/// ``token`` is a printable form for APIs and command lines; ``init(token:)`` reads it back.
public struct FeedCursor: Sendable, Hashable {
    let position: SortedSetCursor

    init(_ position: SortedSetCursor) {
        self.position = position
    }

    /// A printable form: the time, a dot, and the member in hexadecimal.
    public var token: String {
        let hex = self.position.member.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
        return "\(Int64(self.position.score)).\(hex)"
    }

    /// Reads a ``token``.
    /// - Throws: ``FeedError/invalidCursor(_:)`` for text that is not a token.
    public init(token: String) throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let time = Int64(parts[0]), (0...FeedLimits.maximumTime).contains(time),
              parts[1].utf8.count % 2 == 0, parts[1].utf8.count <= 2_048
        else {
            throw FeedError.invalidCursor(token)
        }
        var member: [UInt8] = []
        var digits = parts[1].makeIterator()
        while let high = digits.next(), let low = digits.next() {
            guard let byte = UInt8(String([high, low]), radix: 16) else { throw FeedError.invalidCursor(token) }
            member.append(byte)
        }
        self.init(SortedSetCursor(score: Double(time), member: member))
    }
}
