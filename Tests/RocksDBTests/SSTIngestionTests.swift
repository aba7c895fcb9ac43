import RocksDB
import XCTest

final class SSTIngestionTests: DatabaseTestCase {
    func testIngestedKeysBecomeVisible() throws {
        let database = try openDatabase(columnFamilies: ["data"])
        let data = database.columnFamily(named: "data")
        try database.put(bytes("key-000"), bytes("will be overwritten"), in: data)
        try database.put(bytes("key-100"), bytes("will be deleted"), in: data)

        let file = path("bulk.sst")
        let writer = try SSTFileWriter(path: file, options: Self.testOptions)
        for index in 0..<50 {
            let key = bytes(String(format: "key-%03d", index))
            try writer.put(key, bytes("ingested-\(index)"))
        }
        try writer.delete(bytes("key-100"))
        try writer.finish()
        XCTAssertGreaterThan(writer.fileSize, 0)

        try database.ingest(files: [file], into: data)
        XCTAssertEqual(try database.get(bytes("key-000"), in: data), bytes("ingested-0"))
        XCTAssertEqual(try database.get(bytes("key-049"), in: data), bytes("ingested-49"))
        XCTAssertNil(try database.get(bytes("key-100"), in: data))
        XCTAssertEqual(try database.scan(in: data).count, 50)
        XCTAssertNil(try database.get(bytes("key-000")), "the default family is untouched")
    }

    func testIngestWithSnapshotConsistency() throws {
        let database = try openDatabase()
        let snapshot = try database.makeSnapshot()
        let file = path("one.sst")
        let writer = try SSTFileWriter(path: file)
        try writer.put(bytes("k"), bytes("v"))
        try writer.finish()
        var options = Database.IngestOptions()
        options.moveFiles = true
        try database.ingest(files: [file], options: options)
        XCTAssertEqual(try database.get(bytes("k")), bytes("v"))
        XCTAssertNil(try database.get(bytes("k"), at: snapshot), "a snapshot taken before does not see the file")
    }

    func testKeysOutOfOrderAreRejected() throws {
        let writer = try SSTFileWriter(path: path("bad.sst"))
        try writer.put(bytes("b"), bytes("1"))
        assertThrows(.invalidArgument, try writer.put(bytes("a"), bytes("2")))
        assertThrows(.invalidArgument, try writer.put(bytes("b"), bytes("3")))
    }

    func testRangeDeletionInAnIngestedFile() throws {
        let database = try openDatabase()
        for key in ["a", "b", "c", "d"] {
            try database.put(bytes(key), bytes(key))
        }
        let file = path("range.sst")
        let writer = try SSTFileWriter(path: file)
        try writer.deleteRange(from: bytes("b"), to: bytes("d"))
        try writer.finish()
        try database.ingest(files: [file])
        XCTAssertEqual(try database.scan().map(\.key), [bytes("a"), bytes("d")])
    }

    func testIngestingAMissingFileFails() throws {
        let database = try openDatabase()
        assertThrows(.ioError, try database.ingest(files: [path("missing.sst")]))
    }
}
