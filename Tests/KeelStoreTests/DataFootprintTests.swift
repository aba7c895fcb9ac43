import KeelStore
import XCTest

/// What commands write and reads look at, as a server's early read grants see it.
final class DataFootprintTests: XCTestCase {
    private let a: [UInt8] = Array("a".utf8)
    private let b: [UInt8] = Array("b".utf8)
    private let c: [UInt8] = Array("c".utf8)

    func testEveryCommandNamesTheItemsItWrites() {
        XCTAssertEqual(DataFootprint(of: .put(key: a, value: b)), .items([.value(a)]))
        XCTAssertEqual(DataFootprint(of: .delete(key: a)), .items([.value(a)]))
        XCTAssertEqual(DataFootprint(of: .compareAndSet(key: a, expected: .absent, newValue: b)), .items([.value(a)]))
        XCTAssertEqual(DataFootprint(of: .increment(key: a, delta: 1)), .items([.value(a)]))
        XCTAssertEqual(DataFootprint(of: .batch([.put(key: a, value: c), .delete(key: b)])), .items([.value(a), .value(b)]))
        XCTAssertEqual(
            DataFootprint(of: .add(set: a, members: [ScoredMember(member: b, score: 1)], mode: .upsert, maxLength: 3)),
            .items([.sortedSet(a)])
        )
        XCTAssertEqual(
            DataFootprint(of: .addToMany(sets: [a, b], member: c, score: 1, mode: .upsert, maxLength: nil)),
            .items([.sortedSet(a), .sortedSet(b)])
        )
        XCTAssertEqual(DataFootprint(of: .remove(set: a, members: [b])), .items([.sortedSet(a)]))
        XCTAssertEqual(DataFootprint(of: .removeFromMany(sets: [b, c], member: a)), .items([.sortedSet(b), .sortedSet(c)]))
        XCTAssertEqual(DataFootprint(of: .deleteSet(set: a)), .items([.sortedSet(a)]))
        XCTAssertEqual(DataFootprint(of: .trim(set: a, maxLength: 1)), .items([.sortedSet(a)]))
        XCTAssertEqual(DataFootprint(of: .removeByScoreRange(set: a, minimum: 0, maximum: 1)), .items([.sortedSet(a)]))
        let entry = ScoredMember(member: c, score: 1)
        XCTAssertEqual(DataFootprint(of: .addEntries(set: a, entries: [entry], maxLength: 3)), .items([.sortedSet(a)]))
        XCTAssertEqual(DataFootprint(of: .addEntryToMany(sets: [a, b], entry: entry, maxLength: nil)), .items([.sortedSet(a), .sortedSet(b)]))
        XCTAssertEqual(DataFootprint(of: .removeEntries(set: b, entries: [entry])), .items([.sortedSet(b)]))
        XCTAssertEqual(DataFootprint(of: .removeEntryFromMany(sets: [b, c], entry: entry)), .items([.sortedSet(b), .sortedSet(c)]))
    }

    func testAValueAndASetOfTheSameNameAreDifferentItems() {
        let value = DataFootprint.items([.value(a)])
        let set = DataFootprint.items([.sortedSet(a)])
        XCTAssertFalse(value.overlaps(set))
        XCTAssertTrue(value.overlaps(.items([.value(a), .value(b)])))
        XCTAssertTrue(set.overlaps(.items([.sortedSet(c), .sortedSet(a)])))
    }

    func testEverythingOverlapsAnyItemButNotNothing() {
        XCTAssertTrue(DataFootprint.everything.overlaps(.everything))
        XCTAssertTrue(DataFootprint.everything.overlaps(.items([.value(a)])))
        XCTAssertTrue(DataFootprint.items([.sortedSet(a)]).overlaps(.everything))
        XCTAssertFalse(DataFootprint.everything.overlaps(.items([])))
        XCTAssertFalse(DataFootprint.items([]).overlaps(.items([.value(a)])))
    }

    func testEntryDataDecodesToItsCommandsFootprint() {
        let envelope = CommandEnvelope(clientID: 7, sequence: 3, timestampMilliseconds: 1, command: .addToMany(
            sets: [a, c], member: b, score: 2, mode: .onlyIfAbsent, maxLength: 10
        ))
        XCTAssertEqual(DataFootprint(ofEntryData: envelope.encoded()), .items([.sortedSet(a), .sortedSet(c)]))
        XCTAssertEqual(DataFootprint(ofEntryData: []), .items([]), "a no-op writes nothing")
        XCTAssertEqual(DataFootprint(ofEntryData: [0xFF, 1, 2]), .everything, "what cannot be decoded may write anything")
    }
}
