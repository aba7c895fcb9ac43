import Foundation
import KeelRaft
import RocksDB
import XCTest

@testable import KeelServer

/// The log writer thread: a prepared `Ready` write becomes durable there and visible to the
/// core only when the driver publishes it.
final class LogWriterTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-writer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: directory)
    }

    private func open() throws -> (Database, RocksDBLogStorage) {
        let database = try Database(path: directory, columnFamilies: [RaftRecords.columnFamilyName])
        let storage = try RocksDBLogStorage(database: database, bootstrapMembership: Membership(voters: [1, 2, 3]))
        return (database, storage)
    }

    private func entries(_ range: ClosedRange<UInt64>, term: UInt64) -> [Entry] {
        range.map { Entry(term: term, index: $0, kind: .normal, data: Array("entry \($0)".utf8)) }
    }

    func testAWriteIsDurableWhenItsOutcomeArrivesAndVisibleOnlyOncePublished() throws {
        let written = DispatchSemaphore(value: 0)
        do {
            let (database, storage) = try open()
            let writer = LogWriter(storage: storage) { written.signal() }
            writer.start()
            let hardState = HardState(term: 3, vote: 2, commit: 1)
            let write = try XCTUnwrap(try storage.prepare(hardState: hardState, entries: entries(1...5, term: 3), sync: true))
            writer.submit(write)
            XCTAssertEqual(written.wait(timeout: .now() + 30), .success, "the writer reports the write")
            let outcome = try XCTUnwrap(writer.takeOutcome())
            XCTAssertNoThrow(try outcome.get())
            XCTAssertNil(writer.takeOutcome(), "an outcome is taken once")
            // Durable but not yet part of the log the core reads.
            XCTAssertEqual(storage.lastIndex(), 0)
            storage.publish(write)
            XCTAssertEqual(storage.lastIndex(), 5)
            XCTAssertEqual(storage.initialState().hardState, hardState)

            // The next write replaces entries 4 and 5 with another term's.
            let replacing = try XCTUnwrap(try storage.prepare(hardState: nil, entries: entries(4...6, term: 4), sync: true))
            writer.submit(replacing)
            XCTAssertNoThrow(try XCTUnwrap(writer.waitForOutcome()).get())
            storage.publish(replacing)
            writer.stop()
            database.close()
        }
        let (database, storage) = try open()
        defer { database.close() }
        XCTAssertEqual(storage.initialState().hardState, HardState(term: 3, vote: 2, commit: 1))
        XCTAssertEqual(storage.lastIndex(), 6)
        XCTAssertEqual(storage.entries(in: 1..<7, maxBytes: .max), entries(1...3, term: 3) + entries(4...6, term: 4))
    }

    func testNothingToWriteIsNoWrite() throws {
        let (database, storage) = try open()
        defer { database.close() }
        XCTAssertNil(try storage.prepare(hardState: nil, entries: [], sync: true))
    }

    func testStopFinishesTheWriteUnderWay() throws {
        let (database, storage) = try open()
        defer { database.close() }
        let writer = LogWriter(storage: storage) {}
        writer.start()
        let write = try XCTUnwrap(try storage.prepare(hardState: nil, entries: entries(1...3, term: 1), sync: true))
        writer.submit(write)
        writer.stop()
        XCTAssertNoThrow(try XCTUnwrap(writer.takeOutcome()).get(), "the write ended before the thread did")
    }
}
