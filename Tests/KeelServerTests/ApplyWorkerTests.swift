import Foundation
import KeelRaft
import KeelStore
import RocksDB
import XCTest

@testable import KeelServer

/// The thread that applies committed groups and answers their writes.
final class ApplyWorkerTests: XCTestCase {
    private var directory: String!
    private var database: Database!
    private var store: KeelStore!
    private var worker: ApplyWorker!
    private let wakes = Counter()

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-apply-\(UUID().uuidString)").path
        database = try Database(
            path: directory, columnFamilies: [KeelStore.dataColumnFamilyName, KeelStore.metaColumnFamilyName]
        )
        store = try KeelStore(database: database)
        let wakes = self.wakes
        worker = ApplyWorker(store: store, metrics: RaftMetrics()) { wakes.increment() }
        worker.start()
    }

    override func tearDownWithError() throws {
        worker.stop()
        database.close()
        try FileManager.default.removeItem(atPath: directory)
    }

    private func put(_ index: UInt64, term: UInt64 = 1, _ key: String) -> Entry {
        let command = Command.put(key: Array(key.utf8), value: [UInt8(index)])
        return Entry(term: term, index: index, data: CommandEnvelope(timestampMilliseconds: 1, command: command).encoded())
    }

    private func waiter(_ index: UInt64, term: UInt64, into outcomes: OutcomeLog) -> ApplyWorker.WriteWaiter {
        ApplyWorker.WriteWaiter(index: index, term: term, loop: nil) { outcomes.record(index, $0) }
    }

    func testGroupsApplyInOrderAndAnswerTheirWritesWithTheEntrysTermChecked() throws {
        let outcomes = OutcomeLog()
        let change = Entry(term: 2, index: 3, kind: .configurationChange, data: [])
        worker.submit(ApplyWorker.Job(
            entries: [put(1, "a"), put(2, "b")], writers: [waiter(1, term: 1, into: outcomes), waiter(2, term: 1, into: outcomes)]
        ))
        worker.submit(ApplyWorker.Job(
            entries: [change, put(4, term: 2, "c")], writers: [waiter(4, term: 1, into: outcomes)]
        ))
        worker.waitUntilIdle()

        let reports = worker.takeFinished()
        XCTAssertEqual(reports.map(\.lastIndex), [2, 4])
        XCTAssertTrue(reports.allSatisfy { $0.error == nil })
        XCTAssertEqual(reports[1].configurationChanges.map(\.index), [3])
        XCTAssertTrue(worker.takeFinished().isEmpty, "each report is taken once")
        XCTAssertEqual(wakes.value, 1, "the driver is woken unasked only for the group with a membership change")
        XCTAssertEqual(store.appliedIndex, 4)
        XCTAssertEqual(try store.snapshot().get(Array("c".utf8)), [4])

        let answered = outcomes.entries
        XCTAssertEqual(answered.map(\.index), [1, 2, 4])
        guard case .applied(1, _) = answered[0].outcome, case .applied(2, _) = answered[1].outcome else {
            return XCTFail("the first group's writes were not answered as applied: \(answered)")
        }
        guard case .failed(let error) = answered[2].outcome else {
            return XCTFail("a write proposed in term 1 was answered with the entry of term 2 at its index")
        }
        XCTAssertEqual(error.code, .unavailable)
    }

    func testTheDriverIsWokenOnceTheEntryItWaitsForIsApplied() throws {
        worker.submit(ApplyWorker.Job(entries: [put(1, "a")], writers: []))
        worker.waitUntilIdle()
        XCTAssertEqual(wakes.value, 0)
        worker.wakeDriver(whenApplied: 1)
        XCTAssertEqual(wakes.value, 1, "an entry already applied wakes the driver at once")
        worker.wakeDriver(whenApplied: 3)
        worker.submit(ApplyWorker.Job(entries: [put(2, "b")], writers: []))
        worker.waitUntilIdle()
        XCTAssertEqual(wakes.value, 1, "entry 3 is not applied yet")
        worker.submit(ApplyWorker.Job(entries: [put(3, "c"), put(4, "d")], writers: []))
        worker.waitUntilIdle()
        XCTAssertEqual(wakes.value, 2)
        worker.submit(ApplyWorker.Job(entries: [put(5, "e")], writers: []))
        worker.waitUntilIdle()
        XCTAssertEqual(wakes.value, 2, "a wake-up is asked for once")
        XCTAssertEqual(worker.takeFinished().map(\.lastIndex), [1, 2, 4, 5])
    }

    func testTheCallerAppliesAGroupItselfOnlyWhileTheWorkerIsIdle() throws {
        let outcomes = OutcomeLog()
        let report = try XCTUnwrap(worker.applyOnCallerIfIdle(ApplyWorker.Job(entries: [put(1, "a")], writers: [waiter(1, term: 1, into: outcomes)])))
        XCTAssertEqual(report.lastIndex, 1)
        XCTAssertNil(report.error)
        XCTAssertEqual(store.appliedIndex, 1)
        guard case .applied(1, _)? = outcomes.entries.first?.outcome else { return XCTFail("the write was not answered") }
        XCTAssertTrue(worker.takeFinished().isEmpty, "the caller has the report already")

        // A group in flight keeps the next one on the worker, behind it.
        let gate = NSLock()
        gate.lock()
        let blocked = ApplyWorker(store: store, metrics: RaftMetrics()) {}
        blocked.start()
        defer { blocked.stop() }
        blocked.submit(ApplyWorker.Job(entries: [put(2, "b")], writers: [
            ApplyWorker.WriteWaiter(index: 2, term: 1, loop: nil) { _ in gate.lock(); gate.unlock() },
        ]))
        let deadline = Date().addingTimeInterval(10)
        while store.appliedIndex < 2 && Date() < deadline { usleep(1_000) }
        XCTAssertEqual(store.appliedIndex, 2)
        XCTAssertNil(blocked.applyOnCallerIfIdle(ApplyWorker.Job(entries: [put(3, "c")], writers: [])))
        gate.unlock()
        blocked.waitUntilIdle()
        XCTAssertEqual(store.appliedIndex, 2, "the refused group was not applied")
    }

    func testAStoreFailureFailsThatGroupAndEveryLaterOne() throws {
        let outcomes = OutcomeLog()
        worker.submit(ApplyWorker.Job(entries: [put(1, "a")], writers: [waiter(1, term: 1, into: outcomes)]))
        worker.waitUntilIdle()
        database.close()  // every later write fails, as with a dead disk
        worker.submit(ApplyWorker.Job(entries: [put(2, "b")], writers: [waiter(2, term: 1, into: outcomes)]))
        worker.submit(ApplyWorker.Job(entries: [put(3, "c")], writers: [waiter(3, term: 1, into: outcomes)]))
        worker.waitUntilIdle()

        let reports = worker.takeFinished()
        XCTAssertEqual(reports.map(\.lastIndex), [1, 2, 3])
        XCTAssertNil(reports[0].error)
        XCTAssertNotNil(reports[1].error)
        XCTAssertNotNil(reports[2].error, "nothing is applied after a failed group")
        let answered = outcomes.entries
        XCTAssertEqual(answered.map(\.index), [1, 2, 3])
        guard case .applied = answered[0].outcome else { return XCTFail("the write before the failure was not applied") }
        for later in answered.dropFirst() {
            guard case .failed(let error) = later.outcome else {
                return XCTFail("write \(later.index) was acknowledged after the store failed")
            }
            XCTAssertEqual(error.code, .unavailable)
        }
    }

    func testAnEntryOfANewerVersionStopsTheWorkerWithoutApplyingItsGroup() throws {
        let outcomes = OutcomeLog()
        // A command tag this version does not know, as a newer leader could have written.
        let newer = Entry(term: 1, index: 2, data: [CommandEnvelope.encodingVersion, 0, 0, 0, 99])
        worker.submit(ApplyWorker.Job(entries: [put(1, "a"), newer], writers: [waiter(1, term: 1, into: outcomes)]))
        worker.submit(ApplyWorker.Job(entries: [put(3, "c")], writers: [waiter(3, term: 1, into: outcomes)]))
        worker.waitUntilIdle()

        let reports = worker.takeFinished()
        XCTAssertEqual(reports.map(\.lastIndex), [2, 3])
        guard case .entryFromNewerVersion(let index, _) = reports[0].error as? StoreApplyError else {
            return XCTFail("the first group's error: \(String(describing: reports[0].error))")
        }
        XCTAssertEqual(index, 2)
        XCTAssertNotNil(reports[1].error, "nothing is applied after the stop")
        XCTAssertEqual(store.appliedIndex, 0, "the group holding the entry is not applied, not even its first write")
        XCTAssertEqual(outcomes.entries.map(\.index), [1, 3])
        for outcome in outcomes.entries {
            guard case .failed(let error) = outcome.outcome else { return XCTFail("write \(outcome.index) was acknowledged") }
            XCTAssertEqual(error.code, .unavailable)
        }
    }
}

private final class OutcomeLog: @unchecked Sendable {
    // Unchecked Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var stored: [(index: UInt64, outcome: WriteOutcome)] = []
    func record(_ index: UInt64, _ outcome: WriteOutcome) { lock.withLock { stored.append((index, outcome)) } }
    var entries: [(index: UInt64, outcome: WriteOutcome)] { lock.withLock { stored } }
}

private final class Counter: @unchecked Sendable {
    // Unchecked Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
