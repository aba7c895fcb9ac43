import KeelStore
import XCTest

final class SortedSetCommandTests: StoreTestCase {
    private let feed = bytes("feed")

    private func members(_ set: String = "feed") throws -> [String: Double] {
        Dictionary(uniqueKeysWithValues: try allMembers(set).map { (String(decoding: $0.member, as: UTF8.self), $0.score) })
    }

    func testAddModes() throws {
        XCTAssertEqual(try apply(.add(set: feed, members: [scored("a", 1), scored("b", 2)], mode: .upsert, maxLength: nil)), .sortedSet(added: 2, updated: 0, removed: 0))
        XCTAssertEqual(try apply(.add(set: feed, members: [scored("a", 5), scored("c", 3)], mode: .onlyIfAbsent, maxLength: nil)), .sortedSet(added: 1, updated: 0, removed: 0))
        XCTAssertEqual(try members(), ["a": 1, "b": 2, "c": 3])
        XCTAssertEqual(try apply(.add(set: feed, members: [scored("a", 0.5), scored("b", 7), scored("d", -1)], mode: .onlyIfGreater, maxLength: nil)), .sortedSet(added: 1, updated: 1, removed: 0))
        XCTAssertEqual(try members(), ["a": 1, "b": 7, "c": 3, "d": -1])
        XCTAssertEqual(try apply(.add(set: feed, members: [scored("a", 9), scored("c", 3)], mode: .upsert, maxLength: nil)), .sortedSet(added: 0, updated: 1, removed: 0))
        XCTAssertEqual(try members(), ["a": 9, "b": 7, "c": 3, "d": -1])
        XCTAssertEqual(try view.count(of: feed), 4)
        XCTAssertEqual(try view.score(of: bytes("a"), in: feed), 9)
        XCTAssertNil(try view.score(of: bytes("zz"), in: feed))
        // A member has one position: -0.0 and 0.0 are the same score.
        XCTAssertEqual(try apply(.add(set: feed, members: [scored("z", -0.0)], mode: .upsert, maxLength: nil)), .sortedSet(added: 1, updated: 0, removed: 0))
        XCTAssertEqual(try apply(.add(set: feed, members: [scored("z", 0.0)], mode: .upsert, maxLength: nil)), .sortedSet(added: 0, updated: 0, removed: 0))
        XCTAssertEqual(try view.score(of: bytes("z"), in: feed)?.sign, .plus)
        // The same member twice in one command: the later score wins, counted once.
        XCTAssertEqual(try apply(.add(set: feed, members: [scored("y", 1), scored("y", 2)], mode: .upsert, maxLength: nil)), .sortedSet(added: 1, updated: 1, removed: 0))
        XCTAssertEqual(try view.score(of: bytes("y"), in: feed), 2)
        XCTAssertEqual(try view.count(of: feed), 6)
    }

    func testAddWithMaxLengthTrimsLowestScoresWithTiesByMember() throws {
        try apply(.add(set: feed, members: [scored("a", 1), scored("b", 1), scored("c", 2), scored("d", 3)], mode: .upsert, maxLength: nil))
        XCTAssertEqual(try apply(.add(set: feed, members: [scored("e", 4)], mode: .upsert, maxLength: 3)), .sortedSet(added: 1, updated: 0, removed: 2))
        XCTAssertEqual(try members(), ["c": 2, "d": 3, "e": 4])
        // The new member itself is trimmed when it is the lowest.
        XCTAssertEqual(try apply(.add(set: feed, members: [scored("old", 0)], mode: .upsert, maxLength: 3)), .sortedSet(added: 1, updated: 0, removed: 1))
        XCTAssertEqual(try members(), ["c": 2, "d": 3, "e": 4])
        XCTAssertEqual(try view.count(of: feed), 3)
        XCTAssertNil(try view.score(of: bytes("old"), in: feed))
    }

    func testRemoveTrimDeleteAndRemoveByScoreRange() throws {
        try apply(.add(set: feed, members: (0..<10).map { scored("m\($0)", Double($0)) }, mode: .upsert, maxLength: nil))
        XCTAssertEqual(try apply(.remove(set: feed, members: [bytes("m0"), bytes("m0"), bytes("nope")])), .sortedSet(added: 0, updated: 0, removed: 1))
        XCTAssertEqual(try apply(.trim(set: feed, maxLength: 7)), .sortedSet(added: 0, updated: 0, removed: 2))
        XCTAssertEqual(try members().keys.sorted(), ["m3", "m4", "m5", "m6", "m7", "m8", "m9"])
        XCTAssertEqual(try apply(.trim(set: feed, maxLength: 100)), .sortedSet(added: 0, updated: 0, removed: 0))
        XCTAssertEqual(try apply(.removeByScoreRange(set: feed, minimum: 4, maximum: 6)), .sortedSet(added: 0, updated: 0, removed: 3))
        XCTAssertEqual(try apply(.removeByScoreRange(set: feed, minimum: 9, maximum: 1)), .sortedSet(added: 0, updated: 0, removed: 0))
        XCTAssertEqual(try members().keys.sorted(), ["m3", "m7", "m8", "m9"])
        XCTAssertEqual(try apply(.deleteSet(set: feed)), .sortedSet(added: 0, updated: 0, removed: 4))
        XCTAssertEqual(try view.count(of: feed), 0)
        XCTAssertEqual(try allMembers("feed"), [])
        XCTAssertNil(try view.score(of: bytes("m9"), in: feed))
        XCTAssertEqual(try apply(.deleteSet(set: feed)), .sortedSet(added: 0, updated: 0, removed: 0))
        // The set can be used again after a delete.
        XCTAssertEqual(try apply(.add(set: feed, members: [scored("m9", 1)], mode: .onlyIfAbsent, maxLength: nil)), .sortedSet(added: 1, updated: 0, removed: 0))
        XCTAssertEqual(try members(), ["m9": 1])
    }

    func testSetsWhoseKeysArePrefixesStayApart() throws {
        try apply(.add(set: bytes("s"), members: [scored("x", 1)], mode: .upsert, maxLength: nil))
        try apply(.add(set: bytes("s1"), members: [scored("y", 2)], mode: .upsert, maxLength: nil))
        try apply(.deleteSet(set: bytes("s")))
        XCTAssertEqual(try members("s1"), ["y": 2])
        XCTAssertEqual(try view.count(of: bytes("s1")), 1)
    }

    func testRemoveFromManyAndAddToMany() throws {
        let sets = (0..<5).map { bytes("set\($0)") }
        XCTAssertEqual(try apply(.addToMany(sets: sets, member: bytes("post"), score: 10, mode: .upsert, maxLength: 2)), .sortedSet(added: 5, updated: 0, removed: 0))
        XCTAssertEqual(try apply(.addToMany(sets: sets, member: bytes("older"), score: 5, mode: .upsert, maxLength: 2)), .sortedSet(added: 5, updated: 0, removed: 0))
        XCTAssertEqual(try apply(.addToMany(sets: sets, member: bytes("newest"), score: 20, mode: .upsert, maxLength: 2)), .sortedSet(added: 5, updated: 0, removed: 5))
        XCTAssertEqual(try members("set3"), ["post": 10, "newest": 20])
        XCTAssertEqual(try apply(.removeFromMany(sets: sets + [bytes("other")], member: bytes("post"))), .sortedSet(added: 0, updated: 0, removed: 5))
        XCTAssertEqual(try members("set0"), ["newest": 20])
    }

    func testFanoutIntoFiveThousandSetsIsOneEntry() throws {
        let sets = (0..<5_000).map { bytes("user:\($0):timeline") }
        let command = Command.addToMany(sets: sets, member: bytes("activity:1"), score: 1_700_000_000, mode: .upsert, maxLength: 100)
        let encoded = envelope(command).encoded()
        XCTAssertNoThrow(try CommandEnvelope(decoding: encoded))
        XCTAssertEqual(try store.apply(entries([encoded])), [.sortedSet(added: 5_000, updated: 0, removed: 0)])
        let snapshot = try view
        for set in [sets[0], sets[2_500], sets[4_999]] {
            XCTAssertEqual(try snapshot.count(of: set), 1)
            XCTAssertEqual(try snapshot.score(of: bytes("activity:1"), in: set), 1_700_000_000)
        }
        XCTAssertEqual(snapshot.appliedIndex, 1)
    }

    func testInvalidSortedSetCommandsChangeNothing() throws {
        try apply(.add(set: feed, members: [scored("keep", 1)], mode: .upsert, maxLength: nil))
        let longMember = [UInt8](repeating: 7, count: StoreLimits.maxMemberSize + 1)
        let manySets = (0...StoreLimits.maxSetsPerCommand).map { bytes("s\($0)") }
        let manyMembers = (0...StoreLimits.maxMembersPerCommand).map { scored("m\($0)", 1) }
        let cases: [(Command, StoreError)] = [
            (.add(set: [], members: [scored("a", 1)], mode: .upsert, maxLength: nil), .emptyKey),
            (.add(set: feed, members: [scored("a", 1), scored("b", .nan)], mode: .upsert, maxLength: nil), .nanScore),
            (.add(set: feed, members: [ScoredMember(member: longMember, score: 1)], mode: .upsert, maxLength: nil), .memberTooLarge(size: longMember.count)),
            (.add(set: feed, members: [], mode: .upsert, maxLength: nil), .emptyCommand),
            (.add(set: feed, members: manyMembers, mode: .upsert, maxLength: nil), .tooManyMembers(count: manyMembers.count)),
            (.add(set: feed, members: [scored("a", 1)], mode: .upsert, maxLength: 0), .invalidMaxLength),
            (.addToMany(sets: manySets, member: bytes("m"), score: 1, mode: .upsert, maxLength: nil), .tooManySets(count: manySets.count)),
            (.addToMany(sets: [feed, []], member: bytes("m"), score: 1, mode: .upsert, maxLength: nil), .emptyKey),
            (.addToMany(sets: [feed], member: bytes("m"), score: .nan, mode: .upsert, maxLength: nil), .nanScore),
            (.addToMany(sets: [], member: bytes("m"), score: 1, mode: .upsert, maxLength: nil), .emptyCommand),
            (.remove(set: feed, members: [bytes("keep"), longMember]), .memberTooLarge(size: longMember.count)),
            (.removeFromMany(sets: [feed, []], member: bytes("keep")), .emptyKey),
            (.deleteSet(set: []), .emptyKey),
            (.trim(set: feed, maxLength: 0), .invalidMaxLength),
            (.removeByScoreRange(set: feed, minimum: .nan, maximum: 3), .nanScore),
        ]
        for (command, error) in cases {
            XCTAssertEqual(try apply(command), .failed(error), "\(command)")
        }
        XCTAssertEqual(try members(), ["keep": 1])
        XCTAssertEqual(try view.count(of: feed), 1)
        XCTAssertEqual(try view.count(of: bytes("m")), 0)
    }
}
