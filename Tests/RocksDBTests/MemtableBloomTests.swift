import Foundation
import RocksDB
import XCTest

final class MemtableBloomTests: DatabaseTestCase {
    /// The settings RocksDB recorded in the newest OPTIONS file of the database.
    private func recordedOptions(of name: String) throws -> String {
        let files = try FileManager.default.contentsOfDirectory(atPath: path(name)).filter { $0.hasPrefix("OPTIONS-") }
        let newest = try XCTUnwrap(files.max { Int($0.dropFirst(8)) ?? 0 < Int($1.dropFirst(8)) ?? 0 })
        return try String(contentsOfFile: path("\(name)/\(newest)"), encoding: .utf8)
    }

    func testMemtableBloomSettingsReachRocksDB() throws {
        var options = Self.testOptions
        options.memtableBloomSizeRatio = 0.05
        options.memtableWholeKeyFiltering = true
        try openDatabase("on", columnFamilies: ["data"], options: options).close()
        let on = try recordedOptions(of: "on")
        XCTAssertTrue(on.contains("memtable_prefix_bloom_size_ratio=0.050000"), on)
        XCTAssertTrue(on.contains("memtable_whole_key_filtering=true"), on)

        options.memtableBloomSizeRatio = 0
        options.memtableWholeKeyFiltering = false
        try openDatabase("off", options: options).close()
        let off = try recordedOptions(of: "off")
        XCTAssertTrue(off.contains("memtable_prefix_bloom_size_ratio=0.000000"), off)
        XCTAssertTrue(off.contains("memtable_whole_key_filtering=false"), off)
    }

    func testPointReadsAreExactWithTheFilter() throws {
        var options = Self.testOptions
        options.memtableBloomSizeRatio = 0.1
        options.memtableWholeKeyFiltering = true
        let database = try openDatabase(options: options)
        for index in 0..<2_000 where index % 2 == 0 {
            try database.put(bytes("key-\(index)"), bytes("value-\(index)"))
        }
        try database.flush()
        // Tombstones and new values in the memtable must hide what the SST files hold.
        for index in stride(from: 0, to: 2_000, by: 4) {
            try database.delete(bytes("key-\(index)"))
        }
        try database.put(bytes("key-2"), bytes("new"))
        for index in 0..<2_000 {
            let expected: [UInt8]?
            if index == 2 {
                expected = bytes("new")
            } else if index % 2 == 1 || index % 4 == 0 {
                expected = nil
            } else {
                expected = bytes("value-\(index)")
            }
            XCTAssertEqual(try database.get(bytes("key-\(index)")), expected, "key-\(index)")
        }
    }
}
