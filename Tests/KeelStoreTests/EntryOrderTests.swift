import KeelStore
import XCTest

/// Edges of the member entry layout, which holds a set newest first: both directions must read
/// ties, infinities, -0.0 and cursors at either end exactly as the order (score, then member
/// bytes) and its reverse say.
final class EntryOrderTests: StoreTestCase {
    private let feed = bytes("feed")

    /// Members that are prefixes of each other, the empty member, and 0x00 and 0xFF bytes.
    private let tiedMembers: [[UInt8]] = [[], [0x00], [0x00, 0x00], [0x01], [0x61], [0x61, 0x00], [0x61, 0x62], [0xFE], [0xFF], [0xFF, 0x00], [0xFF, 0xFF]]

    private func walk(_ order: RangeOrder, from start: RangeStart = .beginning, pageSize: Int) throws -> [ScoredMember] {
        let snapshot = try view
        var all: [ScoredMember] = []
        var start = start
        while true {
            let page = try snapshot.range(of: feed, order: order, from: start, limit: pageSize)
            all += page.members
            guard let next = page.nextCursor else { return all }
            XCTAssertEqual(next, page.members.last.map { RangeCursor(score: $0.score, member: $0.member) })
            start = .after(next)
        }
    }

    private func oldestFirst(_ members: [ScoredMember]) -> [ScoredMember] {
        members.sorted { $0.score != $1.score ? $0.score < $1.score : $0.member.lexicographicallyPrecedes($1.member) }
    }

    func testTiesReadInOppositeOrdersInTheTwoDirections() throws {
        let members = tiedMembers.map { ScoredMember(member: $0, score: 7) } + tiedMembers.map { ScoredMember(member: $0 + [0x7A], score: 3) }
        try apply(.add(set: feed, members: members, mode: .upsert, maxLength: nil))
        let expected = oldestFirst(members)
        for pageSize in [1, 2, 5, 100] {
            XCTAssertEqual(try walk(.oldestFirst, pageSize: pageSize), expected, "page size \(pageSize)")
            XCTAssertEqual(try walk(.newestFirst, pageSize: pageSize), expected.reversed(), "page size \(pageSize)")
        }
        // A cursor in the middle of a tie continues on the right side of it in each direction.
        let middle = RangeCursor(score: 7, member: [0x61, 0x00])
        XCTAssertEqual(try view.range(of: feed, order: .newestFirst, from: .after(middle), limit: 3).members.map(\.member), [[0x61], [0x01], [0x00, 0x00]])
        XCTAssertEqual(try view.range(of: feed, order: .oldestFirst, from: .after(middle), limit: 3).members.map(\.member), [[0x61, 0x62], [0xFE], [0xFF]])
        // A cursor naming no member (a prefix of tied ones) sits between them.
        let between = RangeCursor(score: 7, member: [0xFF, 0x00, 0x00])
        XCTAssertEqual(try view.range(of: feed, order: .newestFirst, from: .after(between), limit: 2).members.map(\.member), [[0xFF, 0x00], [0xFF]])
        XCTAssertEqual(try view.range(of: feed, order: .oldestFirst, from: .after(between), limit: 2).members.map(\.member), [[0xFF, 0xFF]])
        // Score bounds include the whole tie at the bound, in the walk's order.
        XCTAssertEqual(try view.range(of: feed, order: .newestFirst, from: .score(7), limit: 2).members.map(\.member), [[0xFF, 0xFF], [0xFF, 0x00]])
        XCTAssertEqual(try view.range(of: feed, order: .oldestFirst, from: .score(7), limit: 2).members.map(\.member), [[], [0x00]])
        XCTAssertEqual(try view.range(of: feed, order: .newestFirst, from: .score(6.5), limit: 1).members.map(\.member), [[0xFF, 0xFF, 0x7A]])
    }

    func testInfinitiesAndNegativeZero() throws {
        let members = [
            scored("low", -.infinity), scored("low2", -.infinity), scored("minus-zero", -0.0), scored("zero", 0),
            scored("tiny", .leastNonzeroMagnitude), scored("big", .greatestFiniteMagnitude), scored("high", .infinity), scored("", .infinity),
        ]
        try apply(.add(set: feed, members: members, mode: .upsert, maxLength: nil))
        // -0.0 is stored as +0.0.
        let stored = oldestFirst(members.map { ScoredMember(member: $0.member, score: $0.score == 0 ? 0.0 : $0.score) })
        XCTAssertEqual(try walk(.oldestFirst, pageSize: 3), stored)
        XCTAssertEqual(try walk(.newestFirst, pageSize: 3), stored.reversed())
        XCTAssertEqual(try view.range(of: feed, order: .newestFirst, from: .score(.infinity), limit: 2).members.map(\.member), [bytes("high"), []])
        XCTAssertEqual(try view.range(of: feed, order: .oldestFirst, from: .score(-.infinity), limit: 1).members.map(\.member), [bytes("low")])
        XCTAssertEqual(try view.range(of: feed, order: .newestFirst, from: .score(-.infinity), limit: 5).members.map(\.member), [bytes("low2"), bytes("low")])
        XCTAssertEqual(try view.range(of: feed, order: .oldestFirst, from: .score(.infinity), limit: 5).members.map(\.member), [[], bytes("high")])
        for zero in [0.0, -0.0] {
            XCTAssertEqual(try view.range(of: feed, order: .newestFirst, from: .score(zero), limit: 2).members.map(\.member), [bytes("zero"), bytes("minus-zero")])
            XCTAssertEqual(try view.range(of: feed, order: .oldestFirst, from: .score(zero), limit: 2).members.map(\.member), [bytes("minus-zero"), bytes("zero")])
            let cursor = RangeCursor(score: zero, member: bytes("n"))
            XCTAssertEqual(try view.range(of: feed, order: .newestFirst, from: .after(cursor), limit: 1).members.map(\.member), [bytes("minus-zero")])
            XCTAssertEqual(try view.range(of: feed, order: .oldestFirst, from: .after(cursor), limit: 1).members.map(\.member), [bytes("zero")])
        }
        XCTAssertEqual(try view.score(of: bytes("minus-zero"), in: feed)?.sign, .plus)
        // Removing by a score range with infinite and zero bounds.
        XCTAssertEqual(try apply(.removeByScoreRange(set: feed, minimum: -0.0, maximum: 0)), .sortedSet(added: 0, updated: 0, removed: 2))
        XCTAssertEqual(try apply(.removeByScoreRange(set: feed, minimum: .infinity, maximum: .infinity)), .sortedSet(added: 0, updated: 0, removed: 2))
        XCTAssertEqual(try walk(.newestFirst, pageSize: 2).map(\.member), [bytes("big"), bytes("tiny"), bytes("low2"), bytes("low")])
        XCTAssertEqual(try apply(.removeByScoreRange(set: feed, minimum: -.infinity, maximum: -.infinity)), .sortedSet(added: 0, updated: 0, removed: 2))
        XCTAssertEqual(try walk(.oldestFirst, pageSize: 2).map(\.member), [bytes("tiny"), bytes("big")])
    }

    func testCursorsAtTheEnds() throws {
        let members = (0..<6).map { scored("m\($0)", Double($0)) }
        try apply(.add(set: feed, members: members, mode: .upsert, maxLength: nil))
        let snapshot = try view
        // After the last member in either direction: an empty page without a cursor.
        for (order, last) in [(RangeOrder.newestFirst, members[0]), (.oldestFirst, members[5])] {
            let page = try snapshot.range(of: feed, order: order, from: .after(RangeCursor(score: last.score, member: last.member)), limit: 3)
            XCTAssertEqual(page, RangePage(members: [], nextCursor: nil), "\(order)")
        }
        // Beyond either end of the scores: everything, or nothing.
        let top = RangeCursor(score: .infinity, member: [0xFF, 0xFF])
        let bottom = RangeCursor(score: -.infinity, member: [])
        XCTAssertEqual(try snapshot.range(of: feed, order: .newestFirst, from: .after(top), limit: 10).members, members.reversed())
        XCTAssertEqual(try snapshot.range(of: feed, order: .oldestFirst, from: .after(bottom), limit: 10).members, members)
        XCTAssertEqual(try snapshot.range(of: feed, order: .newestFirst, from: .after(bottom), limit: 10), RangePage(members: [], nextCursor: nil))
        XCTAssertEqual(try snapshot.range(of: feed, order: .oldestFirst, from: .after(top), limit: 10), RangePage(members: [], nextCursor: nil))
        // A full last page has no cursor; one member short of the end has one.
        XCTAssertNil(try snapshot.range(of: feed, order: .newestFirst, limit: 6).nextCursor)
        XCTAssertEqual(try snapshot.range(of: feed, order: .newestFirst, limit: 5).nextCursor, RangeCursor(score: 1, member: bytes("m1")))
        XCTAssertEqual(try snapshot.range(of: feed, order: .oldestFirst, limit: 5).nextCursor, RangeCursor(score: 4, member: bytes("m4")))
        XCTAssertEqual(try snapshot.range(of: feed, order: .oldestFirst, from: .offset(6), limit: 1), RangePage(members: [], nextCursor: nil))
        // Sets whose keys are prefixes of each other never leak into one another's ends.
        try apply(.add(set: bytes("fee"), members: [scored("before", 100)], mode: .upsert, maxLength: nil))
        try apply(.add(set: bytes("feedx"), members: [scored("after", -100)], mode: .upsert, maxLength: nil))
        XCTAssertEqual(try walk(.newestFirst, pageSize: 4), members.reversed())
        XCTAssertEqual(try walk(.oldestFirst, pageSize: 4), members)
    }

    /// A feed trimmed far past its cache of lowest entries, and with the cache off: the
    /// oldest end (now the end of the set's keys, followed by deleted entries) reads right.
    func testLongTrimmedFeedReadsRightFromBothEnds() throws {
        for cache in [200_000, 0] {
            try tearDownWithError()
            cachedSets = cache
            try setUpWithError()
            var expected: [ScoredMember] = []
            for round in 0..<60 {
                let batch = (0..<5).map { scored("p\(round)-\($0)", Double(round * 5 + $0)) }
                let before = expected.count
                let result = try apply(.add(set: feed, members: batch, mode: .upsert, maxLength: 12))
                expected = Array((expected + batch).suffix(12))
                XCTAssertEqual(result, .sortedSet(added: 5, updated: 0, removed: UInt64(before + 5 - expected.count)))
                try apply(.add(set: bytes("feedx"), members: [scored("other\(round)", Double(round))], mode: .upsert, maxLength: 3))
                if round % 7 == 0 {
                    let excess = max(0, expected.count - 10)
                    XCTAssertEqual(try apply(.trim(set: feed, maxLength: 10)), .sortedSet(added: 0, updated: 0, removed: UInt64(excess)))
                    expected.removeFirst(excess)
                }
                XCTAssertEqual(try walk(.oldestFirst, pageSize: 4), expected, "cache \(cache) round \(round)")
                XCTAssertEqual(try walk(.newestFirst, pageSize: 5), expected.reversed(), "cache \(cache) round \(round)")
                XCTAssertEqual(try view.count(of: feed), UInt64(expected.count))
            }
        }
    }
}
