@testable import KeelFeed
import XCTest

/// The background deletions of finished fanout records: a wait per record key, a wait for all,
/// and a later deletion of the same key outliving an earlier one.
final class RecordDeletionsTests: XCTestCase {
    func testWaitsEndOnlyWhenTheDeletionsHaveRun() async {
        let deletions = RecordDeletions()
        await deletions.wait(for: [9])  // nothing started: returns at once
        await deletions.waitForAll()

        let first = Gate(), second = Gate()
        let finished = Finished()
        await deletions.start([1]) {
            await first.passed()
            await finished.add(1)
        }
        await deletions.start([2]) {
            await second.passed()
            await finished.add(2)
        }
        let waitingForOne = Task { await deletions.wait(for: [1]); return await finished.keys }
        let waitingForAll = Task { await deletions.waitForAll(); return await finished.keys }
        await first.open()
        let seenByOne = await waitingForOne.value
        XCTAssertTrue(seenByOne.contains(1), "wait(for:) returned before its deletion ran")
        await second.open()
        let seenByAll = await waitingForAll.value
        XCTAssertEqual(seenByAll, [1, 2], "waitForAll returned before every deletion ran")
    }

    func testALaterDeletionOfTheSameKeyIsWaitedForAfterTheEarlierOneEnds() async {
        let deletions = RecordDeletions()
        let earlier = Gate(), later = Gate()
        let finished = Finished()
        await deletions.start([1]) {
            await earlier.passed()
            await finished.add(1)
        }
        await deletions.start([1]) {
            await later.passed()
            await finished.add(2)
        }
        await earlier.open()
        // The earlier deletion's end must not drop the later one from the table.
        let waiting = Task { await deletions.wait(for: [1]); return await finished.keys }
        await later.open()
        let seen = await waiting.value
        XCTAssertTrue(seen.contains(2), "wait(for:) returned before the later deletion ran")
    }
}

/// Holds whoever calls `passed()` until `open()`.
private actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func passed() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting = []
    }
}

private actor Finished {
    private(set) var keys: Set<Int> = []
    func add(_ key: Int) { keys.insert(key) }
}
