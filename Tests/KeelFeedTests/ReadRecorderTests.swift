@testable import KeelFeed
import XCTest

/// The bookkeeping of noted timeline reads: once per interval, one writer at a time, batches
/// of bounded size, and a wait that ends when everything noted is written.
final class ReadRecorderTests: XCTestCase {
    func testOneWriterTakesEveryNoteInBoundedBatches() async {
        let recorder = ReadRecorder()
        let first = await recorder.note("ann", now: 1_000, interval: 60_000)
        XCTAssertTrue(first, "the first note starts a writer")
        for (offset, user) in ["bob", "cid", "dan", "eve"].enumerated() {
            let starts = await recorder.note(user, now: 1_001 + Int64(offset), interval: 60_000)
            XCTAssertFalse(starts, "a writer already runs")
        }
        let again = await recorder.note("ann", now: 2_000, interval: 60_000)
        XCTAssertFalse(again, "within the interval a read is not noted again")

        var written: [String: Int64] = [:]
        var batches = 0
        while let batch = await recorder.take(limit: 2) {
            XCTAssertLessThanOrEqual(batch.count, 2)
            batches += 1
            for read in batch {
                XCTAssertNil(written.updateValue(read.time, forKey: read.user), "\(read.user) taken twice")
            }
        }
        XCTAssertEqual(batches, 3)
        XCTAssertEqual(written, ["ann": 1_000, "bob": 1_001, "cid": 1_002, "dan": 1_003, "eve": 1_004])

        // The writer stopped: the next note past the interval starts a new one.
        let later = await recorder.note("ann", now: 61_000, interval: 60_000)
        XCTAssertTrue(later)
    }

    func testWaitingEndsWhenTheWriterHasTakenEverything() async {
        let recorder = ReadRecorder()
        await recorder.waitUntilWritten()  // nothing noted: returns at once
        _ = await recorder.note("ann", now: 1, interval: 10)
        let waiter = Task { await recorder.waitUntilWritten() }
        _ = await recorder.note("bob", now: 2, interval: 10)
        let batch = await recorder.take(limit: 10)
        XCTAssertEqual(batch?.count, 2)
        let end = await recorder.take(limit: 10)
        XCTAssertNil(end)
        await waiter.value
    }
}
