@testable import KeelStore
import RocksDB
import XCTest

/// Entry-keyed sets: an entry is its (score, member) pair, no member index is stored, and a
/// set's kind is fixed while it is non-empty.
final class EntryKeyedSetTests: StoreTestCase {
    private let timeline = bytes("timeline")

    private func entries(_ set: String = "timeline") throws -> [ScoredMember] {
        try allMembers(set)
    }

    /// The keys of `data` with `tag` for `set`.
    private func storedKeys(tag: UInt8, of set: [UInt8]) throws -> Int {
        let data = try XCTUnwrap(database.columnFamily(named: KeelStore.dataColumnFamilyName))
        let prefix = DataKey.setPrefix(tag, set)
        return try database.scan(in: data).filter { $0.key.starts(with: prefix) }.count
    }

    func testAnEntryIsItsScoreAndMember() throws {
        XCTAssertEqual(try apply(.addEntries(set: timeline, entries: [scored("a", 1), scored("a", 2), scored("b", 1)], maxLength: nil)), .sortedSet(added: 3, updated: 0, removed: 0))
        // Adding an entry that is there changes nothing; -0.0 and 0.0 are one score.
        XCTAssertEqual(try apply(.addEntries(set: timeline, entries: [scored("a", 2), scored("z", -0.0)], maxLength: nil)), .sortedSet(added: 1, updated: 0, removed: 0))
        XCTAssertEqual(try apply(.addEntries(set: timeline, entries: [scored("z", 0.0)], maxLength: nil)), .sortedSet(added: 0, updated: 0, removed: 0))
        XCTAssertEqual(try entries(), [scored("z", 0), scored("a", 1), scored("b", 1), scored("a", 2)])
        XCTAssertEqual(try view.count(of: timeline), 4)
        XCTAssertEqual(try view.kind(of: timeline), .entryKeyed)
        XCTAssertEqual(try storedKeys(tag: DataKey.memberTag, of: timeline), 0, "an entry-keyed set stores no member index")
        XCTAssertEqual(try storedKeys(tag: DataKey.entryTag, of: timeline), 4)

        // A removal names score and member; the other score's entry stays.
        XCTAssertEqual(try apply(.removeEntries(set: timeline, entries: [scored("a", 1), scored("a", 7)])), .sortedSet(added: 0, updated: 0, removed: 1))
        XCTAssertEqual(try entries(), [scored("z", 0), scored("b", 1), scored("a", 2)])
        // Trims drop the lowest entries, ties by member.
        XCTAssertEqual(try apply(.addEntries(set: timeline, entries: [scored("c", 3)], maxLength: 2)), .sortedSet(added: 1, updated: 0, removed: 2))
        XCTAssertEqual(try entries(), [scored("a", 2), scored("c", 3)])
        XCTAssertEqual(try view.count(of: timeline), 2)
    }

    func testCommandsOfTheOtherKindFailAndChangeNothing() throws {
        try apply(.addEntries(set: timeline, entries: [scored("a", 1)], maxLength: nil))
        try apply(.add(set: bytes("members"), members: [scored("a", 1)], mode: .upsert, maxLength: nil))
        let before = try allMembers("timeline") + allMembers("members")

        XCTAssertEqual(try apply(.add(set: timeline, members: [scored("b", 2)], mode: .upsert, maxLength: nil)), .failed(.wrongSetKind))
        XCTAssertEqual(try apply(.remove(set: timeline, members: [bytes("a")])), .failed(.wrongSetKind))
        XCTAssertEqual(try apply(.removeFromMany(sets: [bytes("other"), timeline], member: bytes("a"))), .failed(.wrongSetKind))
        XCTAssertEqual(try apply(.addEntries(set: bytes("members"), entries: [scored("b", 2)], maxLength: nil)), .failed(.wrongSetKind))
        XCTAssertEqual(try apply(.removeEntries(set: bytes("members"), entries: [scored("a", 1)])), .failed(.wrongSetKind))
        // A many-set command checks every set before it changes any: "empty" would have
        // become entry-keyed, "timeline" would have had the entry.
        XCTAssertEqual(try apply(.addEntryToMany(sets: [bytes("empty"), timeline, bytes("members")], entry: scored("n", 5), maxLength: nil)), .failed(.wrongSetKind))
        XCTAssertEqual(try apply(.addToMany(sets: [bytes("empty"), bytes("members"), timeline], member: bytes("n"), score: 5, mode: .upsert, maxLength: nil)), .failed(.wrongSetKind))
        XCTAssertEqual(try allMembers("timeline") + allMembers("members"), before)
        XCTAssertEqual(try view.count(of: bytes("empty")), 0)
        XCTAssertNil(try view.kind(of: bytes("empty")))
        assertThrows(.wrongSetKind) { try view.score(of: bytes("a"), in: timeline) }
        XCTAssertEqual(try view.score(of: bytes("a"), in: bytes("members")), 1)

        // Both kinds take the commands that work on any set.
        XCTAssertEqual(try apply(.removeByScoreRange(set: timeline, minimum: 0, maximum: 1)), .sortedSet(added: 0, updated: 0, removed: 1))
        // Empty, the set has no kind left: a member-keyed add makes it member-keyed.
        XCTAssertNil(try view.kind(of: timeline))
        XCTAssertEqual(try apply(.add(set: timeline, members: [scored("b", 2)], mode: .upsert, maxLength: nil)), .sortedSet(added: 1, updated: 0, removed: 0))
        XCTAssertEqual(try view.kind(of: timeline), .memberKeyed)
        XCTAssertEqual(try view.score(of: bytes("b"), in: timeline), 2)
    }

    /// Adds above the set's known top skip the read that tells whether an entry is new; adds at
    /// or below it must still find the entries there: with the top cached, learnt again by a
    /// seek after a reopen (which empties the cache), and after the top entry was removed.
    func testDuplicatesAreFoundAtAndBelowTheTop() throws {
        try apply(.addEntries(set: timeline, entries: [scored("a", 1), scored("b", 2), scored("c", 3)], maxLength: nil))
        XCTAssertEqual(try apply(.addEntryToMany(sets: [timeline, bytes("other")], entry: scored("c", 3), maxLength: nil)), .sortedSet(added: 1, updated: 0, removed: 0))
        try reopenStore()
        XCTAssertEqual(try apply(.addEntries(set: timeline, entries: [scored("c", 3), scored("b", 2), scored("d", 4)], maxLength: nil)), .sortedSet(added: 1, updated: 0, removed: 0))
        XCTAssertEqual(try apply(.removeEntries(set: timeline, entries: [scored("d", 4)])), .sortedSet(added: 0, updated: 0, removed: 1))
        XCTAssertEqual(try apply(.addEntryToMany(sets: [timeline, bytes("other")], entry: scored("c", 3), maxLength: nil)), .sortedSet(added: 0, updated: 0, removed: 0))
        XCTAssertEqual(try apply(.addEntries(set: timeline, entries: [scored("d", 4), scored("d", 4)], maxLength: nil)), .sortedSet(added: 1, updated: 0, removed: 0))
        XCTAssertEqual(try entries(), [scored("a", 1), scored("b", 2), scored("c", 3), scored("d", 4)])
        XCTAssertEqual(try view.count(of: timeline), 4)
    }

    /// One group empties a member-keyed set, makes it entry-keyed, and trims it: the removed
    /// members must not come back through the group's view of the stored entries.
    func testAKindChangeWithinOneGroup() throws {
        try apply(.add(set: timeline, members: [scored("a", 1), scored("b", 2)], mode: .upsert, maxLength: nil))
        let results = try applyGroup([
            envelope(.remove(set: timeline, members: [bytes("a"), bytes("b")])),
            envelope(.addEntries(set: timeline, entries: [scored("a", 1), scored("c", 3), scored("d", 4)], maxLength: 2)),
            envelope(.addEntryToMany(sets: [timeline, bytes("other")], entry: scored("b", 0), maxLength: 2)),
        ])
        XCTAssertEqual(results, [
            .sortedSet(added: 0, updated: 0, removed: 2),
            .sortedSet(added: 3, updated: 0, removed: 1),
            .sortedSet(added: 2, updated: 0, removed: 1),
        ])
        XCTAssertEqual(try entries(), [scored("c", 3), scored("d", 4)])
        XCTAssertEqual(try view.kind(of: timeline), .entryKeyed)
        XCTAssertEqual(try storedKeys(tag: DataKey.memberTag, of: timeline), 0)
        try reopenStore()
        XCTAssertEqual(try entries(), [scored("c", 3), scored("d", 4)])
        XCTAssertEqual(try entries("other"), [scored("b", 0)])
        XCTAssertEqual(try apply(.deleteSet(set: timeline)), .sortedSet(added: 0, updated: 0, removed: 2))
        XCTAssertEqual(try storedKeys(tag: DataKey.entryTag, of: timeline), 0)
    }
}
