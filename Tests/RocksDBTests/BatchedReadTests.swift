import Foundation
import RocksDB
import XCTest

/// `Database.multiGet` and `withValues(of:)`: one batched lookup of many keys.
final class BatchedReadTests: DatabaseTestCase {
    func testFoundMissingAndEmptyValuesInInputOrder() throws {
        let database = try openDatabase(columnFamilies: ["data"])
        defer { database.close() }
        let data = try XCTUnwrap(database.columnFamily(named: "data"))
        try database.put(bytes("b"), bytes("two"), in: data)
        try database.put(bytes("a"), [], in: data)
        try database.put(bytes("d"), bytes("four"), in: data)
        // The default column family holds "c": a lookup in `data` must not see it.
        try database.put(bytes("c"), bytes("elsewhere"))

        // Unsorted, with a duplicate, a missing key and the empty key.
        let keys = [bytes("d"), bytes("a"), bytes("c"), [], bytes("b"), bytes("d")]
        XCTAssertEqual(try database.multiGet(keys, in: data), [bytes("four"), [], nil, nil, bytes("two"), bytes("four")])
        XCTAssertEqual(try database.multiGet(keys.sorted { $0.lexicographicallyPrecedes($1) }, in: data), [nil, [], bytes("two"), nil, bytes("four"), bytes("four")])
        XCTAssertEqual(try database.multiGet([bytes("c")]), [bytes("elsewhere")])
        XCTAssertEqual(try database.multiGet([], in: data), [])
    }

    func testReadsFromMemtableAndFilesAndSnapshots() throws {
        let database = try openDatabase()
        defer { database.close() }
        let keys = (0..<300).map { bytes(String(format: "key%05d", $0)) }
        for (number, key) in keys.enumerated() where number % 3 != 0 {
            try database.put(key, bytes("old\(number)"))
        }
        try database.flush()
        let snapshot = try database.makeSnapshot()
        // Newer values in the memtable over some of the flushed ones, and a delete.
        for number in stride(from: 1, to: 300, by: 7) {
            try database.put(keys[number], bytes("new\(number)"))
        }
        try database.delete(keys[2])

        let latest = try database.multiGet(keys)
        let asOfSnapshot = try database.multiGet(keys, at: snapshot)
        for number in 0..<300 {
            XCTAssertEqual(latest[number], try database.get(keys[number]), "key \(number)")
            XCTAssertEqual(asOfSnapshot[number], number % 3 == 0 ? nil : bytes("old\(number)"), "key \(number) at the snapshot")
        }
        XCTAssertEqual(latest[2], nil)
        XCTAssertEqual(latest[8], bytes("new8"))
    }

    func testValuesAreLentInInputOrderAndBodyErrorsPropagate() throws {
        let database = try openDatabase()
        defer { database.close() }
        try database.put(bytes("x"), bytes("1"))
        try database.put(bytes("y"), bytes("22"))
        let keys = [bytes("y"), bytes("nope"), bytes("x")]
        var seen: [(Int, [UInt8]?)] = []
        try keys[0].withUnsafeBytes { y in
            try keys[1].withUnsafeBytes { nope in
                try keys[2].withUnsafeBytes { x in
                    try [y, nope, x].withUnsafeBufferPointer { buffers in
                        try database.withValues(of: buffers) { position, value in
                            seen.append((position, value.map { Array($0) }))
                        }
                        struct Stop: Error {}
                        XCTAssertThrowsError(try database.withValues(of: buffers) { _, _ in throw Stop() }) { error in
                            XCTAssert(error is Stop, "\(error)")
                        }
                    }
                }
            }
        }
        XCTAssertEqual(seen.map(\.0), [0, 1, 2])
        XCTAssertEqual(seen.map(\.1), [bytes("22"), nil, bytes("1")])
    }

    func testClosedDatabaseAndDroppedColumnFamilyThrow() throws {
        let database = try openDatabase(columnFamilies: ["scratch"])
        let scratch = try XCTUnwrap(database.columnFamily(named: "scratch"))
        try database.dropColumnFamily(scratch)
        assertThrows(.invalidColumnFamily, try database.multiGet([bytes("k")], in: scratch))
        database.close()
        assertThrows(.closed, try database.multiGet([bytes("k")]))
    }

    func testCorruptBlockIsAnErrorNotAMissingKey() throws {
        var options = Self.testOptions
        options.compression = .none
        var database = try openDatabase(options: options)
        let keys = (0..<400).map { bytes(String(format: "key%05d", $0)) }
        for key in keys {
            try database.put(key, [UInt8](repeating: 0x61, count: 200))
        }
        try database.flush()
        database.close()

        // Overwrite bytes inside the first data blocks of the one table file: its checksum fails.
        let files = try FileManager.default.contentsOfDirectory(atPath: path("db")).filter { $0.hasSuffix(".sst") }
        XCTAssertEqual(files.count, 1)
        let file = try FileHandle(forUpdating: URL(fileURLWithPath: path("db")).appendingPathComponent(files[0]))
        try file.seek(toOffset: 64)
        try file.write(contentsOf: Data(repeating: 0xEE, count: 4096))
        try file.close()

        database = try openDatabase(options: options)
        defer { database.close() }
        assertThrows(.corruption, try database.multiGet(keys))
        assertThrows(.corruption, try database.multiGet([keys[0]]))
    }
}
