import RocksDB
import XCTest

final class IteratorTests: DatabaseTestCase {
    private var database: Database!

    override func setUpWithError() throws {
        try super.setUpWithError()
        database = try openDatabase(columnFamilies: ["data"])
        // Keys b, d, f, h, j with values B, D, ...
        for letter in ["b", "d", "f", "h", "j"] {
            try database.put(bytes(letter), bytes(letter.uppercased()), in: database.columnFamily(named: "data"))
        }
        try database.put(bytes("elsewhere"), bytes("default family"))
    }

    override func tearDownWithError() throws {
        database.close()
        database = nil
        try super.tearDownWithError()
    }

    private var data: ColumnFamily { database.columnFamily(named: "data")! }

    private func keys(forwardFrom iterator: RocksDB.Iterator) throws -> [String] {
        var keys: [String] = []
        while let key = iterator.key {
            keys.append(String(decoding: key, as: UTF8.self))
            iterator.next()
        }
        try iterator.checkStatus()
        return keys
    }

    private func keys(backwardFrom iterator: RocksDB.Iterator) throws -> [String] {
        var keys: [String] = []
        while let key = iterator.key {
            keys.append(String(decoding: key, as: UTF8.self))
            iterator.previous()
        }
        try iterator.checkStatus()
        return keys
    }

    func testForwardAndBackwardOverTheWholeFamily() throws {
        let iterator = try database.makeIterator(in: data)
        XCTAssertFalse(iterator.isValid, "a new iterator is not positioned")
        iterator.seekToFirst()
        XCTAssertEqual(iterator.value, bytes("B"))
        XCTAssertEqual(try keys(forwardFrom: iterator), ["b", "d", "f", "h", "j"])
        XCTAssertFalse(iterator.isValid)
        iterator.next()  // moving an invalid iterator is a no-op, not a crash
        XCTAssertNil(iterator.key)

        iterator.seekToLast()
        XCTAssertEqual(try keys(backwardFrom: iterator), ["j", "h", "f", "d", "b"])
    }

    func testSeekAndSeekForPrev() throws {
        let iterator = try database.makeIterator(in: data)
        iterator.seek(to: bytes("d"))
        XCTAssertEqual(iterator.key, bytes("d"), "seek lands on an exact match")
        iterator.seek(to: bytes("e"))
        XCTAssertEqual(iterator.key, bytes("f"), "seek lands on the next key")
        iterator.seekForPrev(bytes("f"))
        XCTAssertEqual(iterator.key, bytes("f"), "seekForPrev lands on an exact match")
        iterator.seekForPrev(bytes("e"))
        XCTAssertEqual(iterator.key, bytes("d"), "seekForPrev lands on the previous key")
        iterator.seekForPrev(bytes("a"))
        XCTAssertFalse(iterator.isValid, "nothing at or before a")
        iterator.seek(to: bytes("k"))
        XCTAssertFalse(iterator.isValid, "nothing at or after k")
        try iterator.checkStatus()
    }

    func testBoundsLimitBothDirections() throws {
        // [d, h): d and f only.
        let iterator = try database.makeIterator(in: data, lowerBound: bytes("d"), upperBound: bytes("h"))
        iterator.seekToFirst()
        XCTAssertEqual(try keys(forwardFrom: iterator), ["d", "f"])
        iterator.seekToLast()
        XCTAssertEqual(try keys(backwardFrom: iterator), ["f", "d"])
        iterator.seek(to: bytes("a"))
        XCTAssertEqual(iterator.key, bytes("d"), "seek below the lower bound lands on the first key in bounds")
        iterator.seekForPrev(bytes("z"))
        XCTAssertEqual(iterator.key, bytes("f"), "seekForPrev above the upper bound lands on the last key in bounds")
    }

    func testBoundsAreOwnedByTheIterator() throws {
        // The bound arrays go out of scope right away; the iterator must keep its own copies.
        func makeBoundedIterator() throws -> RocksDB.Iterator {
            var lower = bytes("f")
            var upper = bytes("j")
            defer {
                _ = lower.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
                _ = upper.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
            }
            return try database.makeIterator(in: data, lowerBound: lower, upperBound: upper)
        }
        let iterator = try makeBoundedIterator()
        iterator.seekToFirst()
        XCTAssertEqual(try keys(forwardFrom: iterator), ["f", "h"])
    }

    func testKeysAreCopiedOutBeforeMoving() throws {
        let iterator = try database.makeIterator(in: data)
        iterator.seekToFirst()
        let first = try XCTUnwrap(iterator.key)
        let firstValue = try XCTUnwrap(iterator.value)
        iterator.next()
        iterator.next()
        XCTAssertEqual(first, bytes("b"))
        XCTAssertEqual(firstValue, bytes("B"))
        XCTAssertEqual(iterator.withKey { $0.count }, 1)
        let entry = iterator.withEntry { key, value in
            String(decoding: key, as: UTF8.self) + "=" + String(decoding: value, as: UTF8.self)
        }
        XCTAssertEqual(entry, "f=F")
        iterator.seekToLast()
        iterator.next()
        XCTAssertNil(iterator.withEntry { key, _ in key.count })
    }

    func testScanHelperForwardReverseBoundsAndLimit() throws {
        func keys(_ pairs: [KeyValuePair]) -> [String] {
            pairs.map { String(decoding: $0.key, as: UTF8.self) }
        }
        XCTAssertEqual(keys(try database.scan(in: data)), ["b", "d", "f", "h", "j"])
        XCTAssertEqual(keys(try database.scan(in: data, direction: .reverse)), ["j", "h", "f", "d", "b"])
        XCTAssertEqual(keys(try database.scan(in: data, from: bytes("c"), to: bytes("h"))), ["d", "f"])
        XCTAssertEqual(keys(try database.scan(in: data, from: bytes("c"), to: bytes("h"), direction: .reverse)), ["f", "d"])
        XCTAssertEqual(keys(try database.scan(in: data, limit: 2)), ["b", "d"])
        XCTAssertEqual(keys(try database.scan(in: data, direction: .reverse, limit: 2)), ["j", "h"])
        XCTAssertEqual(try database.scan(in: data, limit: 0), [])
        XCTAssertEqual(try database.scan(in: data, from: bytes("x")), [])
        XCTAssertEqual(try database.scan(in: data).first, KeyValuePair(key: bytes("b"), value: bytes("B")))
        XCTAssertEqual(keys(try database.scan()), ["elsewhere"])
    }

    func testForEachStopsWhenTheBodySaysSo() throws {
        var visited: [String] = []
        try database.forEach(in: data) { key, value in
            visited.append(String(decoding: key, as: UTF8.self) + String(decoding: value, as: UTF8.self))
            return visited.count < 3
        }
        XCTAssertEqual(visited, ["bB", "dD", "fF"])

        struct Stop: Error {}
        XCTAssertThrowsError(try database.forEach(in: data) { _, _ in throw Stop() }) { error in
            XCTAssertTrue(error is Stop)
        }
    }

    func testWalkLendsKeysUntilTheBodyStopsAndStaysThere() throws {
        let iterator = try database.makeIterator(in: data)
        iterator.seek(to: bytes("d"))
        var visited: [String] = []
        iterator.walk(.forward) { key in
            visited.append(String(decoding: key, as: UTF8.self))
            return visited.count < 3
        }
        XCTAssertEqual(visited, ["d", "f", "h"])
        XCTAssertEqual(iterator.key, bytes("h"), "the walk stays at the key the body stopped at")

        visited = []
        iterator.walk(.reverse) { key in
            visited.append(String(decoding: key, as: UTF8.self))
            return true
        }
        XCTAssertEqual(visited, ["h", "f", "d", "b"])
        XCTAssertFalse(iterator.isValid, "a walk to the end leaves the iterator invalid")
        try iterator.checkStatus()

        struct Stop: Error {}
        iterator.seekToFirst()
        XCTAssertThrowsError(try iterator.walk(.forward) { _ throws(Stop) in throw Stop() })
        XCTAssertEqual(iterator.key, bytes("b"), "the walk stays at the key the body threw for")
    }

    func testLatestSequenceNumberGrowsWithEveryWrite() throws {
        let first = try database.latestSequenceNumber()
        XCTAssertEqual(try database.latestSequenceNumber(), first, "reads leave it alone")
        try database.put(bytes("k"), bytes("K"), in: data)
        let second = try database.latestSequenceNumber()
        XCTAssertGreaterThan(second, first)
        try database.delete(bytes("k"), in: data)
        XCTAssertGreaterThan(try database.latestSequenceNumber(), second)
    }

    func testScanBodyMayReadTheDatabase() throws {
        // Join each entry of `data` with the default family, from inside the scan.
        var joined: [[UInt8]?] = []
        try database.forEach(in: data, limit: 2) { _, _ in
            joined.append(try database.get(bytes("elsewhere")))
            return true
        }
        XCTAssertEqual(joined, [bytes("default family"), bytes("default family")])
    }

    func testIteratorSeesTheStateAtItsCreation() throws {
        let iterator = try database.makeIterator(in: data)
        try database.put(bytes("c"), bytes("C"), in: data)
        try database.delete(bytes("j"), in: data)
        iterator.seekToFirst()
        XCTAssertEqual(try keys(forwardFrom: iterator), ["b", "d", "f", "h", "j"])
        let fresh = try database.makeIterator(in: data)
        fresh.seekToFirst()
        XCTAssertEqual(try keys(forwardFrom: fresh), ["b", "c", "d", "f", "h"])
    }

    func testIteratorIsInvalidatedWhenTheDatabaseCloses() throws {
        let iterator = try database.makeIterator(in: data)
        iterator.seekToFirst()
        XCTAssertTrue(iterator.isValid)
        database.close()
        XCTAssertFalse(iterator.isValid)
        XCTAssertNil(iterator.key)
        iterator.next()
        iterator.seek(to: bytes("d"))
        assertThrows(.closed, try iterator.checkStatus())
        // The lock is released although the iterator object is still alive.
        let reopened = try openDatabase()
        XCTAssertEqual(try reopened.get(bytes("d"), in: reopened.columnFamily(named: "data")), bytes("D"))
        reopened.close()
    }
}
