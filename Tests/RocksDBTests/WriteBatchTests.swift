import RocksDB
import XCTest

final class WriteBatchTests: DatabaseTestCase {
    func testBatchAcrossColumnFamiliesIsApplied() throws {
        let database = try openDatabase(columnFamilies: ["raft", "meta"])
        let raft = database.columnFamily(named: "raft")
        let meta = database.columnFamily(named: "meta")
        try database.put(bytes("old"), bytes("x"), in: raft)
        for key in ["r1", "r2", "r3"] {
            try database.put(bytes(key), bytes("x"), in: raft)
        }

        let batch = WriteBatch()
        try batch.put(bytes("entry"), bytes("e1"), in: raft)
        try batch.put(bytes("applied"), bytes("7"), in: meta)
        try batch.put(bytes("plain"), bytes("p"))
        try batch.delete(bytes("old"), in: raft)
        try batch.deleteRange(from: bytes("r1"), to: bytes("r3"), in: raft)
        XCTAssertEqual(batch.count, 5)
        XCTAssertNil(try database.get(bytes("entry"), in: raft), "nothing is visible before the write")

        try database.write(batch, options: WriteOptions(sync: true))
        XCTAssertEqual(try database.get(bytes("entry"), in: raft), bytes("e1"))
        XCTAssertEqual(try database.get(bytes("applied"), in: meta), bytes("7"))
        XCTAssertEqual(try database.get(bytes("plain")), bytes("p"))
        XCTAssertNil(try database.get(bytes("old"), in: raft))
        XCTAssertEqual(try database.scan(in: raft).map(\.key), [bytes("entry"), bytes("r3")])
    }

    func testCountAndClear() throws {
        let database = try openDatabase()
        let batch = WriteBatch()
        XCTAssertTrue(batch.isEmpty)
        try batch.put(bytes("a"), bytes("1"))
        try batch.put(bytes("b"), bytes("2"))
        XCTAssertEqual(batch.count, 2)
        batch.clear()
        XCTAssertEqual(batch.count, 0)
        try batch.put(bytes("c"), bytes("3"))
        try database.write(batch)
        XCTAssertNil(try database.get(bytes("a")), "cleared operations are not written")
        XCTAssertEqual(try database.get(bytes("c")), bytes("3"))
    }

    func testBatchNamingADroppedColumnFamilyWritesNothing() throws {
        let database = try openDatabase(columnFamilies: ["data", "scratch"])
        let data = database.columnFamily(named: "data")
        let scratch = try XCTUnwrap(database.columnFamily(named: "scratch"))
        let batch = WriteBatch()
        try batch.put(bytes("first"), bytes("1"), in: data)
        try batch.put(bytes("second"), bytes("2"))
        try batch.put(bytes("third"), bytes("3"), in: scratch)
        try database.dropColumnFamily(scratch)

        assertThrows(.invalidColumnFamily, try database.write(batch))
        XCTAssertNil(try database.get(bytes("first"), in: data))
        XCTAssertNil(try database.get(bytes("second")))
        // Adding to a batch with a dropped family fails up front.
        assertThrows(.invalidColumnFamily, try WriteBatch().put(bytes("k"), bytes("v"), in: scratch))
    }

    func testBatchRejectedByRocksDBWritesNothing() throws {
        let database = try openDatabase(columnFamilies: ["data"])
        let data = database.columnFamily(named: "data")
        let batch = WriteBatch()
        try batch.put(bytes("first"), bytes("1"), in: data)
        try batch.put(bytes("second"), bytes("2"))
        // RocksDB refuses a synced write without a WAL ("Sync writes has to enable WAL.").
        assertThrows(.invalidArgument, try database.write(batch, options: WriteOptions(sync: true, disableWAL: true)))
        XCTAssertNil(try database.get(bytes("first"), in: data))
        XCTAssertNil(try database.get(bytes("second")))
        // The same batch succeeds with valid options: the failure was the write's, not the batch's.
        try database.write(batch)
        XCTAssertEqual(try database.get(bytes("first"), in: data), bytes("1"))
    }

    func testBatchCannotMixDatabases() throws {
        let first = try openDatabase("first", columnFamilies: ["data"])
        let second = try openDatabase("second", columnFamilies: ["data"])
        let batch = WriteBatch()
        try batch.put(bytes("k"), bytes("v"), in: first.columnFamily(named: "data"))
        assertThrows(.invalidColumnFamily, try batch.put(bytes("k"), bytes("v"), in: second.columnFamily(named: "data")))
        assertThrows(.invalidColumnFamily, try second.write(batch))
        XCTAssertNil(try second.get(bytes("k"), in: second.columnFamily(named: "data")))
        try first.write(batch)
        XCTAssertEqual(try first.get(bytes("k"), in: first.columnFamily(named: "data")), bytes("v"))
    }
}
