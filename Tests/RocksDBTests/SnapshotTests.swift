import RocksDB
import XCTest

final class SnapshotTests: DatabaseTestCase {
    func testSnapshotDoesNotSeeLaterWrites() throws {
        let database = try openDatabase(columnFamilies: ["data"])
        let data = database.columnFamily(named: "data")
        try database.put(bytes("a"), bytes("1"), in: data)
        try database.put(bytes("b"), bytes("1"), in: data)
        let snapshot = try database.makeSnapshot()

        try database.put(bytes("a"), bytes("2"), in: data)
        try database.delete(bytes("b"), in: data)
        try database.put(bytes("c"), bytes("2"), in: data)
        let batch = WriteBatch()
        try batch.put(bytes("d"), bytes("2"), in: data)
        try database.write(batch)

        XCTAssertEqual(try database.get(bytes("a"), in: data, at: snapshot), bytes("1"))
        XCTAssertEqual(try database.get(bytes("b"), in: data, at: snapshot), bytes("1"))
        XCTAssertNil(try database.get(bytes("c"), in: data, at: snapshot))
        XCTAssertEqual(try database.scan(in: data, at: snapshot), [
            KeyValuePair(key: bytes("a"), value: bytes("1")),
            KeyValuePair(key: bytes("b"), value: bytes("1")),
        ])
        // Without the snapshot the latest state is read.
        XCTAssertEqual(try database.get(bytes("a"), in: data), bytes("2"))
        XCTAssertEqual(try database.scan(in: data).map(\.key), [bytes("a"), bytes("c"), bytes("d")])
    }

    func testSnapshotSurvivesFlushAndCompaction() throws {
        let database = try openDatabase()
        try database.put(bytes("k"), bytes("old"))
        let snapshot = try database.makeSnapshot()
        try database.put(bytes("k"), bytes("new"))
        try database.flush()
        try database.compactRange()
        XCTAssertEqual(try database.get(bytes("k"), at: snapshot), bytes("old"))
        XCTAssertEqual(try database.get(bytes("k")), bytes("new"))
    }

    func testSnapshotOfAnotherDatabaseIsRejected() throws {
        let first = try openDatabase("first")
        let second = try openDatabase("second")
        let snapshot = try first.makeSnapshot()
        assertThrows(.invalidArgument, try second.get(bytes("k"), at: snapshot))
        assertThrows(.invalidArgument, try second.makeIterator(at: snapshot))
    }

    func testSnapshotIsReleasedWhenTheDatabaseCloses() throws {
        let database = try openDatabase()
        try database.put(bytes("k"), bytes("v"))
        let snapshot = try database.makeSnapshot()
        let iterator = try database.makeIterator(at: snapshot)
        database.close()
        assertThrows(.closed, try database.get(bytes("k"), at: snapshot))
        XCTAssertFalse(iterator.isValid)
        // Releasing the Swift objects after the close must not touch the freed database.
        withExtendedLifetime((snapshot, iterator)) {}
    }
}
