import KeelStore
import XCTest

final class KeyValueCommandTests: StoreTestCase {
    func testPutGetDelete() throws {
        XCTAssertEqual(try apply(.put(key: bytes("a"), value: bytes("1"))), .done)
        XCTAssertEqual(try apply(.put(key: bytes("b"), value: [])), .done)
        XCTAssertEqual(try view.get(bytes("a")), bytes("1"))
        XCTAssertEqual(try view.get(bytes("b")), [])
        XCTAssertNil(try view.get(bytes("c")))
        XCTAssertEqual(try apply(.delete(key: bytes("a"))), .done)
        XCTAssertEqual(try apply(.delete(key: bytes("never"))), .done)
        XCTAssertNil(try view.get(bytes("a")))
        XCTAssertEqual(try view.appliedIndex, 4)
        XCTAssertEqual(store.appliedIndex, 4)
    }

    func testCompareAndSet() throws {
        XCTAssertEqual(try apply(.compareAndSet(key: bytes("k"), expected: .absent, newValue: bytes("v1"))), .compareAndSet(swapped: true, current: nil))
        XCTAssertEqual(try apply(.compareAndSet(key: bytes("k"), expected: .absent, newValue: bytes("v2"))), .compareAndSet(swapped: false, current: bytes("v1")))
        XCTAssertEqual(try apply(.compareAndSet(key: bytes("k"), expected: .value(bytes("v0")), newValue: bytes("v2"))), .compareAndSet(swapped: false, current: bytes("v1")))
        XCTAssertEqual(try view.get(bytes("k")), bytes("v1"))
        XCTAssertEqual(try apply(.compareAndSet(key: bytes("k"), expected: .value(bytes("v1")), newValue: bytes("v2"))), .compareAndSet(swapped: true, current: nil))
        XCTAssertEqual(try view.get(bytes("k")), bytes("v2"))
        XCTAssertEqual(try apply(.compareAndSet(key: bytes("k"), expected: .value(bytes("v2")), newValue: nil)), .compareAndSet(swapped: true, current: nil))
        XCTAssertNil(try view.get(bytes("k")))
        XCTAssertEqual(try apply(.compareAndSet(key: bytes("k"), expected: .value([]), newValue: bytes("x"))), .compareAndSet(swapped: false, current: nil))
    }

    func testIncrement() throws {
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 5)), .counter(5))
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: -7)), .counter(-2))
        XCTAssertEqual(try view.get(bytes("c")), counterBytes(-2))
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: .min)), .failed(.counterOverflow))
        XCTAssertEqual(try view.get(bytes("c")), counterBytes(-2))
        XCTAssertEqual(try apply(.put(key: bytes("big"), value: counterBytes(.max - 1))), .done)
        XCTAssertEqual(try apply(.increment(key: bytes("big"), delta: 1)), .counter(.max))
        XCTAssertEqual(try apply(.increment(key: bytes("big"), delta: 1)), .failed(.counterOverflow))
        XCTAssertEqual(try view.get(bytes("big")), counterBytes(.max))
        XCTAssertEqual(try apply(.put(key: bytes("text"), value: bytes("hello"))), .done)
        XCTAssertEqual(try apply(.increment(key: bytes("text"), delta: 1)), .failed(.notACounter))
        XCTAssertEqual(try view.get(bytes("text")), bytes("hello"))
    }

    func testBatchIsAppliedInOrder() throws {
        XCTAssertEqual(try apply(.batch([
            .put(key: bytes("a"), value: bytes("1")),
            .put(key: bytes("b"), value: bytes("2")),
            .delete(key: bytes("a")),
            .put(key: bytes("c"), value: bytes("3")),
        ])), .done)
        XCTAssertEqual(try allValues(), [KeyValue(key: bytes("b"), value: bytes("2")), KeyValue(key: bytes("c"), value: bytes("3"))])
    }

    func testBatchCompareAndSetsDecideTheWholeBatch() throws {
        try apply(.put(key: bytes("record"), value: bytes("r1")))
        // Each condition sees the operations before it; all hold, so all is written.
        XCTAssertEqual(try apply(.batch([
            .compareAndSet(key: bytes("activity"), expected: .absent, newValue: bytes("a")),
            .put(key: bytes("x"), value: bytes("1")),
            .compareAndSet(key: bytes("x"), expected: .value(bytes("1")), newValue: bytes("2")),
            .compareAndSet(key: bytes("record"), expected: .value(bytes("r1")), newValue: nil),
        ])), .done)
        let written = [
            KeyValue(key: bytes("activity"), value: bytes("a")),
            KeyValue(key: bytes("x"), value: bytes("2")),
        ]
        XCTAssertEqual(try allValues(), written)

        // One condition fails (the third operation's: `activity` is taken): nothing is written,
        // not even the operations before it, and the result names the operation.
        XCTAssertEqual(try apply(.batch([
            .put(key: bytes("y"), value: bytes("1")),
            .compareAndSet(key: bytes("record"), expected: .absent, newValue: bytes("r2")),
            .compareAndSet(key: bytes("activity"), expected: .absent, newValue: bytes("b")),
        ])), .failed(.batchConditionFailed(operation: 2)))
        // A condition on a value the batch itself wrote earlier.
        XCTAssertEqual(try apply(.batch([
            .delete(key: bytes("x")),
            .compareAndSet(key: bytes("x"), expected: .value(bytes("2")), newValue: bytes("3")),
        ])), .failed(.batchConditionFailed(operation: 1)))
        XCTAssertEqual(try allValues(), written)

        // Increments answer their new values in order; one that cannot be made fails the batch.
        XCTAssertEqual(try apply(.batch([
            .increment(key: bytes("n"), delta: 5),
            .put(key: bytes("m"), value: counterBytes(40)),
            .increment(key: bytes("m"), delta: 2),
            .increment(key: bytes("n"), delta: -1),
        ])), .batchCounters([5, 42, 4]))
        XCTAssertEqual(try apply(.batch([
            .increment(key: bytes("n"), delta: 1),
            .increment(key: bytes("activity"), delta: 1),
        ])), .failed(.notACounter))
        XCTAssertEqual(try apply(.batch([.increment(key: bytes("m"), delta: .max)])), .failed(.counterOverflow))
        XCTAssertEqual(try view.get(bytes("n")), counterBytes(4))
        XCTAssertEqual(try view.get(bytes("m")), counterBytes(42))
    }

    func testInvalidCommandsFailWithTypedErrorsAndChangeNothing() throws {
        try apply(.put(key: bytes("keep"), value: bytes("v")))
        let tooLongKey = [UInt8](repeating: 1, count: StoreLimits.maxKeySize + 1)
        let tooLongValue = [UInt8](repeating: 1, count: StoreLimits.maxValueSize + 1)
        let cases: [(Command, StoreError)] = [
            (.put(key: [], value: bytes("v")), .emptyKey),
            (.put(key: tooLongKey, value: bytes("v")), .keyTooLarge(size: tooLongKey.count)),
            (.put(key: bytes("k"), value: tooLongValue), .valueTooLarge(size: tooLongValue.count)),
            (.delete(key: []), .emptyKey),
            (.compareAndSet(key: bytes("keep"), expected: .value(bytes("v")), newValue: tooLongValue), .valueTooLarge(size: tooLongValue.count)),
            (.increment(key: [], delta: 1), .emptyKey),
            (.batch([]), .emptyCommand),
            // The valid first put must not be applied when a later operation is invalid.
            (.batch([.put(key: bytes("new"), value: bytes("1")), .delete(key: bytes("keep")), .put(key: [], value: [])]), .emptyKey),
            (.batch([.compareAndSet(key: bytes("keep"), expected: .value(bytes("v")), newValue: tooLongValue)]), .valueTooLarge(size: tooLongValue.count)),
            (.batch([.put(key: bytes("new"), value: bytes("1")), .increment(key: [], delta: 1)]), .emptyKey),
            (.batch(Array(repeating: .delete(key: bytes("keep")), count: StoreLimits.maxBatchOperations + 1)), .tooManyOperations(count: StoreLimits.maxBatchOperations + 1)),
        ]
        for (command, error) in cases {
            XCTAssertEqual(try apply(command), .failed(error), "\(command)")
        }
        XCTAssertEqual(try allValues(), [KeyValue(key: bytes("keep"), value: bytes("v"))])
        XCTAssertEqual(store.appliedIndex, UInt64(cases.count + 1), "failed commands still count as applied")
    }

    func testScanWithPrefixStartAfterAndLimit() throws {
        for key in ["a", "ab", "abc", "abd", "b", "ba"] {
            try apply(.put(key: bytes(key), value: bytes(key.uppercased())))
        }
        let snapshot = try view
        var page = try snapshot.scan(prefix: bytes("ab"), limit: 2)
        XCTAssertEqual(page.entries.map(\.key), [bytes("ab"), bytes("abc")])
        XCTAssertEqual(page.nextStartAfter, bytes("abc"))
        page = try snapshot.scan(prefix: bytes("ab"), startAfter: page.nextStartAfter, limit: 2)
        XCTAssertEqual(page.entries, [KeyValue(key: bytes("abd"), value: bytes("ABD"))])
        XCTAssertNil(page.nextStartAfter)
        XCTAssertEqual(try snapshot.scan(prefix: bytes("b"), startAfter: bytes("a"), limit: 10).entries.map(\.key), [bytes("b"), bytes("ba")])
        XCTAssertEqual(try snapshot.scan(prefix: bytes("a"), startAfter: bytes("zz"), limit: 10).entries, [])
        XCTAssertEqual(try snapshot.scan(prefix: [], limit: 100).entries.count, 6)
        assertThrows(.invalidLimit(0)) { try snapshot.scan(prefix: [], limit: 0) }
        assertThrows(.invalidLimit(StoreLimits.maxPageLimit + 1)) { try snapshot.scan(prefix: [], limit: StoreLimits.maxPageLimit + 1) }
        assertThrows(.emptyKey) { try snapshot.get([]) }
    }

    func testSnapshotDoesNotSeeLaterWrites() throws {
        try apply(.put(key: bytes("k"), value: bytes("old")))
        let before = try view
        try apply(.put(key: bytes("k"), value: bytes("new")))
        XCTAssertEqual(try before.get(bytes("k")), bytes("old"))
        XCTAssertEqual(before.appliedIndex, 1)
        XCTAssertEqual(try view.get(bytes("k")), bytes("new"))
        XCTAssertEqual(try view.appliedIndex, 2)
    }
}
