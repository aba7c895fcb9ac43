import KeelStore
import XCTest

final class QueryTests: StoreTestCase {
    private let feed = bytes("feed")

    override func setUpWithError() throws {
        try super.setUpWithError()
        // Scores 10, 20, ... 100 plus a tie at 50 (members ordered by bytes within a score).
        try apply(.add(set: feed, members: (1...10).map { scored("m\($0 * 10)", Double($0 * 10)) } + [scored("m50b", 50)], mode: .upsert, maxLength: nil))
    }

    private func names(_ page: RangePage) -> [String] {
        page.members.map { String(decoding: $0.member, as: UTF8.self) }
    }

    func testRangeInBothOrdersFromEveryKindOfStart() throws {
        let snapshot = try view
        var page = try snapshot.range(of: feed, order: .newestFirst, limit: 3)
        XCTAssertEqual(names(page), ["m100", "m90", "m80"])
        XCTAssertEqual(page.nextCursor, RangeCursor(score: 80, member: bytes("m80")))
        page = try snapshot.range(of: feed, order: .newestFirst, from: .after(page.nextCursor!), limit: 4)
        XCTAssertEqual(names(page), ["m70", "m60", "m50b", "m50"])
        page = try snapshot.range(of: feed, order: .oldestFirst, from: .after(RangeCursor(score: 50, member: bytes("m50"))), limit: 2)
        XCTAssertEqual(names(page), ["m50b", "m60"])
        // A cursor whose member is gone still positions correctly.
        page = try snapshot.range(of: feed, order: .oldestFirst, from: .after(RangeCursor(score: 55, member: bytes("gone"))), limit: 1)
        XCTAssertEqual(names(page), ["m60"])
        page = try snapshot.range(of: feed, order: .newestFirst, from: .score(50), limit: 3)
        XCTAssertEqual(names(page), ["m50b", "m50", "m40"])
        page = try snapshot.range(of: feed, order: .newestFirst, from: .score(49.5), limit: 1)
        XCTAssertEqual(names(page), ["m40"])
        page = try snapshot.range(of: feed, order: .oldestFirst, from: .score(50), limit: 3)
        XCTAssertEqual(names(page), ["m50", "m50b", "m60"])
        page = try snapshot.range(of: feed, order: .oldestFirst, from: .score(.infinity), limit: 3)
        XCTAssertEqual(page, RangePage(members: [], nextCursor: nil))
        page = try snapshot.range(of: feed, order: .newestFirst, from: .score(.infinity), limit: 1)
        XCTAssertEqual(names(page), ["m100"])
        page = try snapshot.range(of: feed, order: .oldestFirst, from: .offset(9), limit: 5)
        XCTAssertEqual(names(page), ["m90", "m100"])
        XCTAssertNil(page.nextCursor)
        page = try snapshot.range(of: feed, order: .newestFirst, from: .offset(2), limit: 1)
        XCTAssertEqual(names(page), ["m80"])
        XCTAssertEqual(page.members.first?.score, 80)
        page = try snapshot.range(of: bytes("missing"), order: .newestFirst, limit: 10)
        XCTAssertEqual(page, RangePage(members: [], nextCursor: nil))
        // The last page has no cursor; a full page followed by nothing has none either.
        page = try snapshot.range(of: feed, order: .oldestFirst, from: .offset(8), limit: 3)
        XCTAssertEqual(names(page), ["m80", "m90", "m100"])
        XCTAssertNil(page.nextCursor)
    }

    func testQueriesRejectBadArguments() throws {
        let snapshot = try view
        assertThrows(.invalidLimit(0)) { try snapshot.range(of: feed, order: .newestFirst, limit: 0) }
        assertThrows(.invalidLimit(StoreLimits.maxPageLimit + 1)) { try snapshot.range(of: feed, order: .newestFirst, limit: StoreLimits.maxPageLimit + 1) }
        assertThrows(.emptyKey) { try snapshot.range(of: [], order: .newestFirst, limit: 1) }
        assertThrows(.nanScore) { try snapshot.range(of: feed, order: .newestFirst, from: .score(.nan), limit: 1) }
        assertThrows(.nanScore) { try snapshot.range(of: feed, order: .newestFirst, from: .after(RangeCursor(score: .nan, member: [])), limit: 1) }
        assertThrows(.invalidOffset(-1)) { try snapshot.range(of: feed, order: .newestFirst, from: .offset(-1), limit: 1) }
        assertThrows(.invalidOffset(StoreLimits.maxRangeOffset + 1)) { try snapshot.range(of: feed, order: .newestFirst, from: .offset(StoreLimits.maxRangeOffset + 1), limit: 1) }
        assertThrows(.invalidOffset(1)) { try snapshot.mergedRange(of: [feed], order: .newestFirst, from: .offset(1), limit: 1) }
        assertThrows(.emptyCommand) { try snapshot.mergedRange(of: [], order: .newestFirst, limit: 1) }
        let tooMany = (0...StoreLimits.maxMergedSets).map { bytes("s\($0)") }
        assertThrows(.tooManySets(count: tooMany.count)) { try snapshot.mergedRange(of: tooMany, order: .newestFirst, limit: 1) }
        assertThrows(.emptyKey) { try snapshot.count(of: []) }
        assertThrows(.memberTooLarge(size: StoreLimits.maxMemberSize + 1)) {
            try snapshot.score(of: [UInt8](repeating: 0, count: StoreLimits.maxMemberSize + 1), in: feed)
        }
    }

    func testMergedRangeMergesByScoreAndRemovesDuplicates() throws {
        try apply(.add(set: bytes("a"), members: [scored("x", 5), scored("shared", 3), scored("y", 1)], mode: .upsert, maxLength: nil))
        try apply(.add(set: bytes("b"), members: [scored("z", 4), scored("shared", 3), scored("w", 2)], mode: .upsert, maxLength: nil))
        try apply(.add(set: bytes("c"), members: [scored("x", 0.5)], mode: .upsert, maxLength: nil))
        let snapshot = try view
        let sets = [bytes("a"), bytes("b"), bytes("c"), bytes("empty"), bytes("a")]
        var page = try snapshot.mergedRange(of: sets, order: .newestFirst, limit: 3)
        XCTAssertEqual(page.members, [scored("x", 5), scored("z", 4), scored("shared", 3)])
        page = try snapshot.mergedRange(of: sets, order: .newestFirst, from: .after(page.nextCursor!), limit: 3)
        XCTAssertEqual(page.members, [scored("w", 2), scored("y", 1), scored("x", 0.5)], "a member at another score may come back on a later page")
        XCTAssertNil(page.nextCursor)
        page = try snapshot.mergedRange(of: sets, order: .newestFirst, limit: 10)
        XCTAssertEqual(page.members, [scored("x", 5), scored("z", 4), scored("shared", 3), scored("w", 2), scored("y", 1)])
        page = try snapshot.mergedRange(of: sets, order: .oldestFirst, from: .score(2), limit: 2)
        XCTAssertEqual(page.members, [scored("w", 2), scored("shared", 3)])
        XCTAssertEqual(page.nextCursor, RangeCursor(score: 3, member: bytes("shared")))
    }

    func testMergedPageEndingOnAMemberSharedBySetsHasNoNextCursor() throws {
        try apply(.add(set: bytes("p"), members: [scored("m", 2), scored("q", 1)], mode: .upsert, maxLength: nil))
        try apply(.add(set: bytes("r"), members: [scored("q", 1)], mode: .upsert, maxLength: nil))
        let page = try view.mergedRange(of: [bytes("p"), bytes("r")], order: .newestFirst, limit: 2)
        XCTAssertEqual(page.members, [scored("m", 2), scored("q", 1)])
        XCTAssertNil(page.nextCursor, "the only entry left is q's copy in r, at the cursor itself")
    }

    func testCursorWalkWhileMembersArriveSeesEveryOlderMemberOnce() throws {
        let set = bytes("timeline")
        try apply(.add(set: set, members: (0..<200).map { scored("old\($0)", Double($0)) }, mode: .upsert, maxLength: nil))
        var seen: [String] = []
        var start = RangeStart.beginning
        var newScore = 1_000.0
        var interleaved = 0
        while true {
            let page = try view.range(of: set, order: .newestFirst, from: start, limit: 7)
            seen += names(page)
            // Between pages, newer members arrive above the cursor (not part of this walk) and
            // a member lands below it (still ahead of the walk, so it must be seen once).
            var arrivals = [scored("new\(interleaved)", newScore)]
            if let next = page.nextCursor {
                arrivals.append(scored("mid\(interleaved)", next.score - 0.5))
            }
            try apply(.add(set: set, members: arrivals, mode: .upsert, maxLength: nil))
            newScore += 1
            interleaved += 1
            guard let next = page.nextCursor else { break }
            start = .after(next)
        }
        let olds = seen.filter { $0.hasPrefix("old") }
        XCTAssertEqual(olds, (0..<200).reversed().map { "old\($0)" })
        XCTAssertEqual(Set(seen).count, seen.count, "no member twice")
        XCTAssertFalse(seen.contains { $0.hasPrefix("new") }, "members above the cursor are not part of the walk")
        XCTAssertEqual(seen.filter { $0.hasPrefix("mid") }.count, interleaved - 1, "every member inserted ahead of the cursor is seen")
    }

    func testViewsAreSharedUntilSomethingIsWrittenAndNeverChange() throws {
        let first = try view
        XCTAssertTrue(try view === first, "without a write, readers share one view")
        let index = first.appliedIndex
        try apply(.add(set: feed, members: [scored("m200", 200)], mode: .upsert, maxLength: nil))
        let second = try view
        XCTAssertFalse(second === first, "a write makes the next reader take a new view")
        XCTAssertEqual(second.appliedIndex, index + 1)
        XCTAssertEqual(names(try second.range(of: feed, order: .newestFirst, limit: 1)), ["m200"])
        // The shared view handed out before the write still shows the state it was taken at.
        XCTAssertEqual(first.appliedIndex, index)
        XCTAssertEqual(names(try first.range(of: feed, order: .newestFirst, limit: 1)), ["m100"])
        XCTAssertTrue(try view === second)
        try store.reload()
        XCTAssertFalse(try view === second, "a reload (after installing a snapshot) drops the shared view")
    }
}
