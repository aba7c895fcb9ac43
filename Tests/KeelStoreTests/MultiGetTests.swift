import KeelStore
import XCTest

/// `StoreSnapshot.getMany`: many keys from one state, with the documented limits.
final class MultiGetTests: StoreTestCase {
    func testValuesComeBackInKeyOrderWithAbsentAndEmptyKeptApart() throws {
        try apply(.put(key: bytes("a"), value: bytes("1")))
        try apply(.put(key: bytes("empty"), value: []))
        let values = try view.getMany([bytes("missing"), bytes("a"), bytes("empty"), bytes("a")])
        XCTAssertEqual(values, [nil, bytes("1"), [], bytes("1")])
        XCTAssertEqual(try view.getMany([]), [])
    }

    func testOneSnapshotAnswersEveryKeyFromTheSameState() throws {
        try apply(.put(key: bytes("x"), value: bytes("old")))
        let before = try view
        try apply(.put(key: bytes("x"), value: bytes("new")))
        try apply(.put(key: bytes("y"), value: bytes("later")))
        XCTAssertEqual(try before.getMany([bytes("x"), bytes("y")]), [bytes("old"), nil])
        XCTAssertEqual(try view.getMany([bytes("x"), bytes("y")]), [bytes("new"), bytes("later")])
    }

    func testBadInputThrowsTypedErrors() throws {
        let tooLongKey = [UInt8](repeating: 1, count: StoreLimits.maxKeySize + 1)
        let tooMany = (0...StoreLimits.maxKeysPerGet).map { bytes("k\($0)") }
        let cases: [([[UInt8]], StoreError)] = [
            ([bytes("fine"), []], .emptyKey),
            ([tooLongKey], .keyTooLarge(size: tooLongKey.count)),
            (tooMany, .tooManyKeys(count: StoreLimits.maxKeysPerGet + 1)),
        ]
        for (keys, expected) in cases {
            XCTAssertThrowsError(try view.getMany(keys)) { XCTAssertEqual($0 as? StoreError, expected) }
        }
        let most = (0..<StoreLimits.maxKeysPerGet).map { bytes("k\($0)") }
        XCTAssertEqual(try view.getMany(most).count, StoreLimits.maxKeysPerGet)
    }

    func testValuesOverTheReplyBudgetThrowReplyTooLarge() throws {
        let value = [UInt8](repeating: 7, count: StoreLimits.maxValueSize)
        let fitting = StoreLimits.maxGetManyValueBytes / StoreLimits.maxValueSize
        for index in 0...fitting {
            try apply(.put(key: bytes("big\(index)"), value: value))
        }
        let allBig = (0...fitting).map { bytes("big\($0)") }
        XCTAssertEqual(try view.getMany(Array(allBig.prefix(fitting))).count, fitting)
        XCTAssertThrowsError(try view.getMany(allBig)) {
            XCTAssertEqual($0 as? StoreError, .replyTooLarge(bytes: (fitting + 1) * StoreLimits.maxValueSize))
        }
        // A key read twice counts twice: the answer carries the value twice.
        XCTAssertThrowsError(try view.getMany(Array(repeating: bytes("big0"), count: fitting + 1)))
    }
}
