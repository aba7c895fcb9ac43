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
        await start(in: deletions, key: [1], after: first, marking: 1, in: finished)
        await start(in: deletions, key: [2], after: second, marking: 2, in: finished)
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
        await start(in: deletions, key: [1], after: earlier, marking: 1, in: finished)
        await start(in: deletions, key: [1], after: later, marking: 2, in: finished)
        await earlier.open()
        // The earlier deletion's end must not drop the later one from the table.
        let waiting = Task { await deletions.wait(for: [1]); return await finished.keys }
        await later.open()
        let seen = await waiting.value
        XCTAssertTrue(seen.contains(2), "wait(for:) returned before the later deletion ran")
    }

    /// Starts a deletion of `key` that waits for `gate`, then adds `mark` to `finished`.
    private func start(in deletions: RecordDeletions, key: [UInt8], after gate: Gate, marking mark: Int, in finished: Finished) async {
        await deletions.start(key) {
            await gate.passed()
            await finished.add(mark)
        }
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
