import RocksDB
import XCTest

final class CheckpointTests: DatabaseTestCase {
    func testCheckpointReopensWithTheSameData() throws {
        let database = try openDatabase(columnFamilies: ["data", "meta"])
        let data = database.columnFamily(named: "data")
        let meta = database.columnFamily(named: "meta")
        for index in 0..<100 {
            try database.put(bytes("key-\(index)"), bytes("value-\(index)"), in: data)
        }
        try database.flush(data)
        // Some data only in the memtable, so the checkpoint must flush or carry the WAL.
        try database.put(bytes("applied"), bytes("42"), in: meta)

        try database.createCheckpoint(at: path("checkpoint"))
        // Later writes do not reach the checkpoint.
        try database.put(bytes("after"), bytes("x"), in: data)

        let copy = try openDatabase("checkpoint")
        XCTAssertEqual(copy.columnFamilyNames, ["data", "default", "meta"])
        let copied = try copy.scan(in: copy.columnFamily(named: "data"))
        let original = try database.scan(in: data).filter { $0.key != bytes("after") }
        XCTAssertEqual(copied.count, 100)
        XCTAssertEqual(copied, original)
        XCTAssertEqual(try copy.get(bytes("applied"), in: copy.columnFamily(named: "meta")), bytes("42"))
        XCTAssertNil(try copy.get(bytes("after"), in: copy.columnFamily(named: "data")))
    }

    func testCheckpointIntoAnExistingDirectoryFails() throws {
        let database = try openDatabase()
        try FileManager.default.createDirectory(atPath: path("taken"), withIntermediateDirectories: false)
        assertThrows(.invalidArgument, try database.createCheckpoint(at: path("taken")))
    }
}
