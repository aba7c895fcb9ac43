import Foundation
import RocksDB
import XCTest

final class DatabaseLifecycleTests: DatabaseTestCase {
    func testOpeningADatabaseHeldByAnotherHandleIsALockError() throws {
        let holder = try openDatabase()
        assertThrows(.lockHeld, try openDatabase())
        assertThrows(.lockHeld, try Database.destroy(path: path("db")))
        holder.close()
        // Once released, the database opens again.
        let reopened = try openDatabase()
        reopened.close()
    }

    func testMissingDatabaseWithoutCreateIfMissingIsAnError() throws {
        var options = Self.testOptions
        options.createIfMissing = false
        assertThrows(.invalidArgument, try openDatabase("absent", options: options))
        assertThrows(.ioError, try Database.listColumnFamilies(path: path("absent")))
    }

    func testErrorIfExists() throws {
        try openDatabase().close()
        var options = Self.testOptions
        options.errorIfExists = true
        assertThrows(.invalidArgument, try openDatabase(options: options))
    }

    func testSyncWritesSurviveCloseAndReopen() throws {
        var database: Database? = try openDatabase(columnFamilies: ["raft"])
        let raft = database!.columnFamily(named: "raft")
        try database!.put(bytes("entry"), bytes("1"), in: raft, options: WriteOptions(sync: true))
        let batch = WriteBatch()
        try batch.put(bytes("entry-2"), bytes("2"), in: raft)
        try database!.write(batch, options: WriteOptions(sync: true))
        database!.close()
        database = nil

        let reopened = try openDatabase()
        XCTAssertEqual(try reopened.get(bytes("entry"), in: reopened.columnFamily(named: "raft")), bytes("1"))
        XCTAssertEqual(try reopened.get(bytes("entry-2"), in: reopened.columnFamily(named: "raft")), bytes("2"))
    }

    /// Copies the directory of a database that is still open, as a crash would leave it
    /// (nothing flushed or closed), and opens the copy.
    private func openCrashImage(of name: String) throws -> Database {
        try FileManager.default.copyItem(atPath: path(name), toPath: path("\(name)-crash"))
        try? FileManager.default.removeItem(atPath: path("\(name)-crash/LOCK"))
        return try openDatabase("\(name)-crash")
    }

    func testWALWritesAreInTheFilesBeforeCloseAndUnloggedWritesAreNot() throws {
        let database = try openDatabase()
        try database.put(bytes("logged"), bytes("1"), options: WriteOptions(sync: true))
        try database.put(bytes("unlogged"), bytes("2"), options: WriteOptions(disableWAL: true))
        let image = try openCrashImage(of: "db")
        XCTAssertEqual(try image.get(bytes("logged")), bytes("1"), "a synced write is in the WAL")
        XCTAssertNil(try image.get(bytes("unlogged")), "a write without WAL lives only in memory until a flush")
        // A flush makes the unlogged write durable too, and close flushes what the WAL lacks.
        XCTAssertEqual(try database.get(bytes("unlogged")), bytes("2"))
        database.close()
        let reopened = try openDatabase()
        XCTAssertEqual(try reopened.get(bytes("unlogged")), bytes("2"))
    }

    func testFlushWALMakesEarlierWritesDurable() throws {
        let database = try openDatabase()
        for index in 0..<10 {
            try database.put(bytes("k\(index)"), bytes("v\(index)"))
        }
        try database.flushWAL(sync: true)
        let image = try openCrashImage(of: "db")
        XCTAssertEqual(try image.scan().count, 10)
    }

    func testProperties() throws {
        let database = try openDatabase(columnFamilies: ["data"])
        let data = database.columnFamily(named: "data")
        for index in 0..<1000 {
            try database.put(bytes("key-\(index)"), bytes("value"), in: data)
        }
        try database.flush(data)
        let estimate = try XCTUnwrap(try database.integerProperty("rocksdb.estimate-num-keys", in: data))
        // An estimate: allow some slack, but it must reflect the thousand keys.
        XCTAssertGreaterThan(estimate, 500)
        XCTAssertLessThan(estimate, 2000)
        XCTAssertEqual(try database.integerProperty("rocksdb.estimate-num-keys"), 0, "the default family is empty")
        XCTAssertEqual(try database.property("rocksdb.num-files-at-level0", in: data), "1")
        XCTAssertNotNil(try database.property("rocksdb.stats"))
        XCTAssertNil(try database.property("rocksdb.no-such-property"))
        XCTAssertNil(try database.integerProperty("rocksdb.no-such-property"))
    }

    func testCompactRangeRemovesDeletedData() throws {
        let database = try openDatabase()
        for index in 0..<200 {
            try database.put(bytes(String(format: "key-%03d", index)), [UInt8](repeating: 7, count: 1000))
        }
        try database.flush()
        try database.deleteRange(from: bytes("key-000"), to: bytes("key-200"))
        try database.flush()
        try database.compactRange()
        XCTAssertEqual(try database.scan(), [])
        XCTAssertEqual(try database.integerProperty("rocksdb.estimate-num-keys"), 0)
        XCTAssertEqual(try database.integerProperty("rocksdb.total-sst-files-size"), 0, "compaction dropped every deleted key")
    }

    func testEveryCompressionThisLibraryWasBuiltWith() throws {
        // Debian's librocksdb links all of these; a build without one fails at open.
        for compression in Compression.allCases {
            var options = Self.testOptions
            options.compression = compression
            options.bottommostCompression = compression
            let name = "db-\(compression)"
            let database = try openDatabase(name, options: options)
            let value = [UInt8](repeating: 1, count: 10_000)
            try database.put(bytes("k"), value)
            try database.flush()
            XCTAssertEqual(try database.get(bytes("k")), value, "\(compression)")
            database.close()
        }
    }

    func testDestroyRemovesTheDatabase() throws {
        let database = try openDatabase()
        try database.put(bytes("k"), bytes("v"))
        database.close()
        try Database.destroy(path: path("db"))
        let fresh = try openDatabase()
        XCTAssertNil(try fresh.get(bytes("k")))
    }

    func testErrorKindsFromStatusMessages() {
        XCTAssertEqual(RocksDBError(statusMessage: "IO error: No space left on device: /x/000012.log").kind, .noSpace)
        XCTAssertEqual(RocksDBError(statusMessage: "IO error: While lock file: /x/LOCK: Resource temporarily unavailable").kind, .lockHeld)
        XCTAssertEqual(RocksDBError(statusMessage: "IO error: No such file or directory").kind, .ioError)
        XCTAssertEqual(RocksDBError(statusMessage: "Corruption: block checksum mismatch").kind, .corruption)
        XCTAssertEqual(RocksDBError(statusMessage: "NotFound: ").kind, .notFound)
        XCTAssertEqual(RocksDBError(statusMessage: "Invalid argument: Column family not found").kind, .invalidArgument)
        XCTAssertEqual(RocksDBError(statusMessage: "Resource busy: ").kind, .busy)
        XCTAssertEqual(RocksDBError(statusMessage: "something else").kind, .other)
        XCTAssertEqual(RocksDBError(statusMessage: "Corruption: x").message, "Corruption: x")
    }
}
