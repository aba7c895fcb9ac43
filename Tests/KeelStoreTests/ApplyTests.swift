import KeelStore
import RocksDB
import XCTest

final class ApplyTests: StoreTestCase {
    func testNoOpAndDamagedEntriesCountAsApplied() throws {
        let put = envelope(.put(key: bytes("k"), value: bytes("v"))).encoded()
        let results = try store.apply(entries([[], Array(put.dropLast()), put + [7], [0, 1, 2], put]))
        XCTAssertEqual(results, [.done, .failed(.malformedCommand(.truncated)), .failed(.malformedCommand(.trailingBytes(1))), .failed(.malformedCommand(.unsupportedVersion(0))), .done])
        XCTAssertEqual(store.appliedIndex, 5)
        XCTAssertEqual(try allValues(), [KeyValue(key: bytes("k"), value: bytes("v"))])
    }

    /// An entry that may hold a newer version's command (an unknown tag, batch operation or
    /// encoding version) stops the group: a newer replica applies it, so counting it as failed
    /// would make the replicas disagree. Nothing of the group is applied, and the group applies
    /// in full once the entry can be read.
    func testEntriesOfANewerVersionStopTheGroup() throws {
        let put = envelope(.put(key: bytes("k"), value: bytes("v"))).encoded()
        // Version 1, client 0, sequence 0, time 0, then a command tag no version has used yet.
        let unknownTag: [UInt8] = [1, 0, 0, 0, 99]
        var unknownBatchOperation = envelope(.batch([.delete(key: bytes("k"))])).encoded()
        unknownBatchOperation[unknownBatchOperation.count - 3] = 9
        let newerEncoding = [CommandEnvelope.encodingVersion + 1] + put.dropFirst()
        for newer in [unknownTag, unknownBatchOperation, newerEncoding] {
            let group = entries([put, newer])
            XCTAssertThrowsError(try store.apply(group)) { error in
                guard case .entryFromNewerVersion(let index, let decoding) = error as? StoreApplyError else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual(index, group[1].index)
                XCTAssertTrue(decoding.mayBeFromNewerVersion, "\(decoding)")
            }
            XCTAssertEqual(store.appliedIndex, group[0].index - 1, "nothing of the group is applied")
            XCTAssertEqual(try allValues(), [])
            // The node is replaced by one that reads the entry: here, the same index gets a no-op.
            XCTAssertEqual(try store.apply([group[0], CommittedEntry(index: group[1].index, data: [])]), [.done, .done])
            try store.apply(entries([envelope(.delete(key: bytes("k"))).encoded()]))
        }
    }

    func testApplyingTheSameEntriesAgainChangesNothingAcrossARestart() throws {
        let group = entries([
            envelope(.increment(key: bytes("counter"), delta: 1)).encoded(),
            envelope(.add(set: bytes("s"), members: [scored("a", 1)], mode: .upsert, maxLength: nil)).encoded(),
            envelope(.increment(key: bytes("counter"), delta: 1)).encoded(),
        ])
        XCTAssertEqual(try store.apply(group), [.counter(1), .sortedSet(added: 1, updated: 0, removed: 0), .counter(2)])
        XCTAssertEqual(try store.apply(group), [nil, nil, nil])
        try reopenStore()
        XCTAssertEqual(store.appliedIndex, 3)
        XCTAssertEqual(try store.apply(group, sync: true), [nil, nil, nil])
        // A group that overlaps the applied index applies only its new tail.
        let next = entries([envelope(.increment(key: bytes("counter"), delta: 10)).encoded()])
        XCTAssertEqual(try store.apply(group + next), [nil, nil, nil, .counter(12)])
        XCTAssertEqual(try view.get(bytes("counter")), counterBytes(12))
        XCTAssertEqual(try view.count(of: bytes("s")), 1)
        XCTAssertEqual(try view.appliedIndex, 4)
    }

    func testLaterCommandsInAGroupSeeEarlierOnes() throws {
        let results = try applyGroup([
            envelope(.put(key: bytes("k"), value: bytes("1"))),
            envelope(.compareAndSet(key: bytes("k"), expected: .value(bytes("1")), newValue: bytes("2"))),
            envelope(.delete(key: bytes("k"))),
            envelope(.compareAndSet(key: bytes("k"), expected: .absent, newValue: bytes("3"))),
            envelope(.increment(key: bytes("n"), delta: 2)),
            envelope(.increment(key: bytes("n"), delta: 3)),
        ])
        XCTAssertEqual(results, [
            .done, .compareAndSet(swapped: true, current: nil), .done, .compareAndSet(swapped: true, current: nil), .counter(2), .counter(5),
        ])
        XCTAssertEqual(try view.get(bytes("k")), bytes("3"))
    }

    func testTwoCommandsOnTheSameSetInOneGroup() throws {
        let feed = bytes("feed")
        try apply(.add(set: feed, members: [scored("a", 1), scored("b", 2), scored("c", 3)], mode: .upsert, maxLength: nil))
        let results = try applyGroup([
            // Move a stored member up, add new ones, then trim: the trim must see both.
            envelope(.add(set: feed, members: [scored("a", 10), scored("d", 0.5)], mode: .upsert, maxLength: nil)),
            envelope(.addToMany(sets: [feed, bytes("other")], member: bytes("e"), score: 2.5, mode: .upsert, maxLength: 4)),
            envelope(.remove(set: feed, members: [bytes("a"), bytes("d")])),
            envelope(.add(set: feed, members: [scored("a", 0)], mode: .onlyIfAbsent, maxLength: nil)),
            envelope(.removeByScoreRange(set: feed, minimum: 2, maximum: 2.75)),
            envelope(.add(set: feed, members: [scored("f", 7)], mode: .upsert, maxLength: 2)),
        ])
        XCTAssertEqual(results, [
            .sortedSet(added: 1, updated: 1, removed: 0),
            .sortedSet(added: 2, updated: 0, removed: 1),   // feed had a,b,c,d,e: d (0.5) trimmed
            .sortedSet(added: 0, updated: 0, removed: 1),   // a removed, d already gone
            .sortedSet(added: 1, updated: 0, removed: 0),   // a back at 0
            .sortedSet(added: 0, updated: 0, removed: 2),   // b (2) and e (2.5)
            .sortedSet(added: 1, updated: 0, removed: 1),   // a, c, f -> trim a
        ])
        XCTAssertEqual(try allMembers("feed"), [scored("c", 3), scored("f", 7)])
        XCTAssertEqual(try view.count(of: feed), 2)
        XCTAssertEqual(try allMembers("other"), [scored("e", 2.5)])

        // Delete and re-create in one group: stored entries must not come back.
        let second = try applyGroup([
            envelope(.deleteSet(set: feed)),
            envelope(.add(set: feed, members: [scored("c", 1)], mode: .onlyIfAbsent, maxLength: nil)),
            envelope(.trim(set: feed, maxLength: 1)),
            envelope(.add(set: feed, members: [scored("g", 5)], mode: .upsert, maxLength: nil)),
        ])
        XCTAssertEqual(second, [
            .sortedSet(added: 0, updated: 0, removed: 2),
            .sortedSet(added: 1, updated: 0, removed: 0),
            .sortedSet(added: 0, updated: 0, removed: 0),
            .sortedSet(added: 1, updated: 0, removed: 0),
        ])
        XCTAssertEqual(try allMembers("feed"), [scored("c", 1), scored("g", 5)])
        XCTAssertEqual(try view.count(of: feed), 2)
        XCTAssertNil(try view.score(of: bytes("f"), in: feed))
    }

    func testAFailedWriteAppliesNothingAndTheStoreRecovers() throws {
        try apply(.put(key: bytes("a"), value: bytes("1")), client: 1, sequence: 1)
        database.close()
        XCTAssertThrowsError(try store.apply(entries([envelope(.put(key: bytes("a"), value: bytes("2")), client: 1, sequence: 2).encoded()])))
        nextIndex -= 1
        try reopenStore()
        XCTAssertEqual(store.appliedIndex, 1)
        XCTAssertEqual(try apply(.put(key: bytes("a"), value: bytes("2")), client: 1, sequence: 2), .done)
        XCTAssertEqual(try view.get(bytes("a")), bytes("2"))
    }
}
