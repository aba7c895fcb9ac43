import RocksDB
import XCTest

final class DatabaseReadWriteTests: DatabaseTestCase {
    func testRoundTripInEveryColumnFamily() throws {
        let database = try openDatabase(columnFamilies: ["raft", "data", "meta"])
        XCTAssertEqual(database.columnFamilyNames, ["data", "default", "meta", "raft"])
        let families = [nil] + ["raft", "data", "meta"].map { database.columnFamily(named: $0) }
        for (index, family) in families.enumerated() {
            try database.put(bytes("key"), bytes("value-\(index)"), in: family)
        }
        for (index, family) in families.enumerated() {
            XCTAssertEqual(try database.get(bytes("key"), in: family), bytes("value-\(index)"))
        }
        // A key written in one family is not visible in another.
        try database.put(bytes("only-raft"), bytes("x"), in: database.columnFamily(named: "raft"))
        XCTAssertNil(try database.get(bytes("only-raft"), in: database.columnFamily(named: "data")))
        XCTAssertNil(try database.get(bytes("only-raft")))
    }

    func testAbsentKeyIsNilAndEmptyValueIsEmpty() throws {
        let database = try openDatabase()
        try database.put(bytes("empty"), [UInt8]())
        XCTAssertEqual(try database.get(bytes("empty")), [])
        XCTAssertNil(try database.get(bytes("absent")))
        XCTAssertEqual(try database.withValue(of: bytes("empty")) { $0.count }, 0)
        XCTAssertNil(try database.withValue(of: bytes("absent")) { $0.count })
        // An empty key is a key like any other.
        try database.put([UInt8](), bytes("under the empty key"))
        XCTAssertEqual(try database.get([UInt8]()), bytes("under the empty key"))
    }

    func testInputsFromSlicesStringsAndRawBuffers() throws {
        let database = try openDatabase()
        let backing = bytes("xxkeyxx")
        try database.put(backing[2..<5], "slice value".utf8)
        XCTAssertEqual(try database.get("key".utf8), bytes("slice value"))
        try bytes("raw-key").withUnsafeBytes { key in
            try bytes("raw-value").withUnsafeBytes { value in
                try database.put(key, value)
            }
            XCTAssertEqual(try database.get(key), bytes("raw-value"))
        }
        // A non-contiguous collection goes through a copy and still works.
        try database.put(bytes("lazy"), bytes("abc").lazy.map { $0 + 1 })
        XCTAssertEqual(try database.get(bytes("lazy")), bytes("bcd"))
        let length = try database.withValue(of: bytes("raw-key")) { value in value.count }
        XCTAssertEqual(length, 9)
    }

    func testBinaryKeysAndLargeValues() throws {
        let database = try openDatabase()
        let key: [UInt8] = [0, 255, 0, 1]
        let value = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try database.put(key, value)
        XCTAssertEqual(try database.get(key), value)
        XCTAssertNil(try database.get([0, 255, 0]))
    }

    func testDeleteAndDeleteRange() throws {
        let database = try openDatabase(columnFamilies: ["data"])
        let data = database.columnFamily(named: "data")
        for index in 0..<10 {
            try database.put([UInt8(index)], bytes("v\(index)"), in: data)
        }
        try database.delete([3], in: data)
        XCTAssertNil(try database.get([3], in: data))
        try database.delete([42], in: data)  // deleting an absent key is fine

        try database.deleteRange(from: [5], to: [8], in: data)
        let remaining = try database.scan(in: data).map(\.key)
        XCTAssertEqual(remaining, [[0], [1], [2], [4], [8], [9]])
    }

    func testExistingColumnFamiliesAreOpenedAndNewOnesCreated() throws {
        var database: Database? = try openDatabase(columnFamilies: ["raft"])
        let created = try database!.createColumnFamily(named: "meta")
        try database!.put(bytes("k"), bytes("in meta"), in: created)
        database!.close()
        database = nil

        XCTAssertEqual(try Database.listColumnFamilies(path: path("db")).sorted(), ["default", "meta", "raft"])
        // Opening without naming them still opens every existing family.
        let reopened = try openDatabase()
        XCTAssertEqual(reopened.columnFamilyNames, ["default", "meta", "raft"])
        XCTAssertEqual(try reopened.get(bytes("k"), in: reopened.columnFamily(named: "meta")), bytes("in meta"))
        assertThrows(.invalidArgument, try reopened.createColumnFamily(named: "meta"))
    }

    func testDroppedColumnFamilyHandleThrowsInsteadOfCrashing() throws {
        let database = try openDatabase(columnFamilies: ["scratch"])
        let scratch = try XCTUnwrap(database.columnFamily(named: "scratch"))
        try database.put(bytes("k"), bytes("v"), in: scratch)
        try database.dropColumnFamily(scratch)
        XCTAssertNil(database.columnFamily(named: "scratch"))
        assertThrows(.invalidColumnFamily, try database.get(bytes("k"), in: scratch))
        assertThrows(.invalidColumnFamily, try database.put(bytes("k"), bytes("v"), in: scratch))
        assertThrows(.invalidColumnFamily, try database.makeIterator(in: scratch))
        assertThrows(.invalidColumnFamily, try database.dropColumnFamily(scratch))
        assertThrows(.invalidArgument, try database.dropColumnFamily(database.defaultColumnFamily))
    }

    func testColumnFamilyOfAnotherDatabaseIsRejected() throws {
        let first = try openDatabase("first", columnFamilies: ["data"])
        let second = try openDatabase("second", columnFamilies: ["data"])
        let foreign = try XCTUnwrap(first.columnFamily(named: "data"))
        assertThrows(.invalidColumnFamily, try second.put(bytes("k"), bytes("v"), in: foreign))
        assertThrows(.invalidColumnFamily, try second.get(bytes("k"), in: foreign))
    }

    func testCallsAfterCloseThrowClosed() throws {
        let database = try openDatabase(columnFamilies: ["data"])
        let data = database.columnFamily(named: "data")
        try database.put(bytes("k"), bytes("v"))
        database.close()
        database.close()  // idempotent
        XCTAssertTrue(database.isClosed)
        assertThrows(.closed, try database.get(bytes("k")))
        assertThrows(.closed, try database.put(bytes("k"), bytes("v"), in: data))
        assertThrows(.closed, try database.scan())
        assertThrows(.closed, try database.makeSnapshot())
        assertThrows(.closed, try database.flush())
        assertThrows(.closed, try database.property("rocksdb.estimate-num-keys"))
    }

    func testConcurrentReadersAndWriters() throws {
        let database = try openDatabase(columnFamilies: ["data"])
        let data = try XCTUnwrap(database.columnFamily(named: "data"))
        let writers = 4
        let keysPerWriter = 500
        DispatchQueue.concurrentPerform(iterations: writers * 2) { worker in
            for index in 0..<keysPerWriter {
                let key = bytes("w\(worker % writers)-\(index)")
                if worker < writers {
                    try! database.put(key, key, in: data)
                } else if let value = try! database.get(key, in: data) {
                    // A reader sees either nothing or the complete value.
                    XCTAssertEqual(value, key)
                }
            }
        }
        XCTAssertEqual(try database.scan(in: data).count, writers * keysPerWriter)
    }

    func testCloseWhileOtherThreadsReadNeverCrashes() throws {
        let database = try openDatabase()
        try database.put(bytes("k"), bytes("v"))
        // The closer runs on its own thread so it cannot wait behind the readers for a worker.
        let closer = Thread { database.close() }
        closer.start()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            // Read until the close is seen; every read before that succeeds.
            while true {
                do {
                    let value = try database.get(bytes("k"))
                    XCTAssertEqual(value, bytes("v"))
                } catch let error as RocksDBError {
                    XCTAssertEqual(error.kind, .closed)
                    return
                } catch {
                    XCTFail("unexpected \(error)")
                    return
                }
            }
        }
        XCTAssertTrue(database.isClosed)
    }
}
