import KeelRaft
import KeelStore
import XCTest

@testable import KeelServer

/// The driver's queue of committed entries not yet applied.
final class ApplyQueueTests: XCTestCase {
    private func entry(_ index: UInt64, _ command: Command) -> Entry {
        Entry(term: 1, index: index, data: CommandEnvelope(timestampMilliseconds: 1, command: command).encoded())
    }

    private func put(_ index: UInt64, _ key: String, valueBytes: Int = 1) -> Entry {
        entry(index, .put(key: Array(key.utf8), value: [UInt8](repeating: 1, count: valueBytes)))
    }

    private func fanout(_ index: UInt64, _ sets: [String]) -> Entry {
        entry(index, .addToMany(sets: sets.map { Array($0.utf8) }, member: [1], score: 1, mode: .upsert, maxLength: nil))
    }

    func testGroupsStopAtTheByteBudgetButTakeAtLeastOneEntry() {
        var queue = ApplyQueue()
        queue.append(contentsOf: [put(1, "a", valueBytes: 100), put(2, "b", valueBytes: 100), put(3, "c", valueBytes: 1000)])
        XCTAssertEqual(queue.takeGroup(upTo: .max, maxItems: 100, maxBytes: 300).entries.map(\.index), [1, 2])
        XCTAssertEqual(queue.takeGroup(upTo: .max, maxItems: 100, maxBytes: 300).entries.map(\.index), [3], "an entry above the budget goes alone")
        XCTAssertFalse(queue.hasWaitingEntries)
        XCTAssertFalse(queue.isDrained, "taken entries are in flight until marked applied")
        XCTAssertEqual(queue.takeGroup(upTo: .max, maxItems: 100, maxBytes: 300).entries.count, 0)
        XCTAssertEqual(queue.lastQueuedIndex, 3)
    }

    func testGroupsStopAtTheItemBudgetSoALargeFanoutGoesAlone() {
        var queue = ApplyQueue()
        let wide = (0..<300).map { "t\($0)" }
        queue.append(contentsOf: [put(1, "a"), put(2, "b"), fanout(3, wide), put(4, "c"), fanout(5, ["t1", "t2"])])
        let first = queue.takeGroup(upTo: .max, maxItems: 256, maxBytes: 1 << 20)
        XCTAssertEqual(first.entries.map(\.index), [1, 2])
        XCTAssertEqual(first.writeCount, 2, "the group's weight leaves out the fanout that did not fit")
        XCTAssertEqual(queue.takeGroup(upTo: .max, maxItems: 256, maxBytes: 1 << 20).entries.map(\.index), [3])
        XCTAssertEqual(queue.takeGroup(upTo: .max, maxItems: 256, maxBytes: 1 << 20).entries.map(\.index), [4, 5])
        queue.append(contentsOf: [Entry(term: 1, index: 6, data: [0xFF]), put(7, "d")])
        XCTAssertEqual(
            queue.takeGroup(upTo: .max, maxItems: 256, maxBytes: 1 << 20).entries.map(\.index), [6],
            "an entry of unknown effect weighs a whole group"
        )
    }

    func testGroupsStopAtTheGivenIndex() {
        var queue = ApplyQueue()
        queue.append(contentsOf: [put(5, "a"), put(6, "b"), put(7, "c")])
        XCTAssertEqual(queue.takeGroup(upTo: 4, maxItems: 100, maxBytes: 1 << 20).entries.count, 0)
        XCTAssertEqual(queue.takeGroup(upTo: 6, maxItems: 100, maxBytes: 1 << 20).entries.map(\.index), [5, 6])
        XCTAssertEqual(queue.firstWaitingIndex, 7)
    }

    func testOnlyEntriesUpToTheReadIndexThatWriteTheReadsDataHoldTheReadBack() {
        var queue = ApplyQueue()
        queue.append(contentsOf: [fanout(10, ["t1", "t2"]), put(11, "k"), fanout(12, ["t3", "t1"])])
        let t1: DataFootprint = .items([.sortedSet(Array("t1".utf8))])
        let t3: DataFootprint = .items([.sortedSet(Array("t3".utf8))])
        let k: DataFootprint = .items([.value(Array("k".utf8))])
        let other: DataFootprint = .items([.sortedSet(Array("t9".utf8)), .value(Array("t1".utf8))])
        XCTAssertEqual(queue.lastEntry(touching: t1, through: 12), 12)
        XCTAssertEqual(queue.lastEntry(touching: t1, through: 11), 10)
        XCTAssertEqual(queue.lastEntry(touching: k, through: 11), 11)
        XCTAssertNil(queue.lastEntry(touching: k, through: 10), "entry 11 is after the read's index")
        XCTAssertNil(queue.lastEntry(touching: t3, through: 11))
        XCTAssertEqual(queue.lastEntry(touching: t3, through: 12), 12)
        XCTAssertNil(queue.lastEntry(touching: other, through: 12))
        XCTAssertEqual(queue.lastEntry(touching: .everything, through: 12), 12, "a scan waits for every write")
        _ = queue.takeGroup(upTo: 10, maxItems: 100, maxBytes: 1 << 20)
        XCTAssertEqual(queue.lastEntry(touching: t1, through: 11), 10, "an entry in flight still holds its reads back")
        queue.markApplied(through: 10)
        XCTAssertNil(queue.lastEntry(touching: t1, through: 11), "applied entries no longer count")
        XCTAssertEqual(queue.lastEntry(touching: t1, through: 12), 12)
    }

    func testEntriesLeaveOnlyWhenMarkedAppliedInOrder() {
        var queue = ApplyQueue()
        queue.append(contentsOf: [put(1, "a"), put(2, "b"), put(3, "c"), put(4, "d")])
        XCTAssertEqual(queue.takeGroup(upTo: .max, maxItems: 2, maxBytes: 1 << 20).entries.map(\.index), [1, 2])
        XCTAssertEqual(queue.takeGroup(upTo: .max, maxItems: 2, maxBytes: 1 << 20).entries.map(\.index), [3, 4])
        queue.markApplied(through: 2)
        XCTAssertFalse(queue.isDrained)
        XCTAssertNil(queue.lastEntry(touching: .everything, through: 2))
        XCTAssertEqual(queue.lastEntry(touching: .everything, through: 4), 4)
        queue.markApplied(through: 4)
        XCTAssertTrue(queue.isDrained)
        XCTAssertNil(queue.lastEntry(touching: .everything, through: 4))
        queue.append(contentsOf: [put(5, "e")])
        queue.markApplied(through: 5)
        XCTAssertFalse(queue.isDrained, "an entry not yet taken is not applied, whatever the index says")
        XCTAssertEqual(queue.takeGroup(upTo: .max, maxItems: 2, maxBytes: 1 << 20).entries.map(\.index), [5])
    }

    func testNoOpsAndConfigurationChangesWriteNoDataAndUndecodableEntriesWriteEverything() {
        var queue = ApplyQueue()
        queue.append(contentsOf: [
            Entry(term: 1, index: 1, kind: .noop),
            Entry(term: 1, index: 2, kind: .configurationChange, data: [1, 2, 3]),
        ])
        XCTAssertNil(queue.lastEntry(touching: .everything, through: 2))
        queue.append(contentsOf: [Entry(term: 1, index: 3, data: [0xFF, 0xFF])])
        XCTAssertEqual(queue.lastEntry(touching: .items([.value([1])]), through: 3), 3)
    }

    func testASnapshotDropsTheEntriesItCovers() {
        var queue = ApplyQueue()
        queue.append(contentsOf: [put(1, "a"), put(2, "b"), put(3, "c")])
        XCTAssertEqual(queue.removeAll(through: 2), 2)
        XCTAssertEqual(queue.firstWaitingIndex, 3)
        XCTAssertEqual(queue.removeAll(through: 9), 1)
        XCTAssertTrue(queue.isDrained)
        queue.append(contentsOf: [put(10, "d")])
        XCTAssertEqual(queue.takeGroup(upTo: .max, maxItems: 100, maxBytes: 1).entries.map(\.index), [10])
    }
}
