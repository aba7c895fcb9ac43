import Foundation
import KeelStore
import KeelWire
import XCTest

@testable import KeelServer

/// The wire errors of the store's refusals, and the limits docs/storage.md documents.
final class StoreErrorReplyTests: XCTestCase {
    /// Every argument error is INVALID_ARGUMENT and names the limit it broke.
    func testArgumentErrorsAreInvalidArgumentNamingTheLimit() {
        let cases: [(StoreError, [String])] = [
            (.emptyKey, ["empty", "\(StoreLimits.maxKeySize)"]),
            (.keyTooLarge(size: 2_000), ["2000", "\(StoreLimits.maxKeySize)"]),
            (.valueTooLarge(size: 2_000_000), ["2000000", "\(StoreLimits.maxValueSize)"]),
            (.memberTooLarge(size: 1_025), ["1025", "\(StoreLimits.maxMemberSize)"]),
            (.emptyCommand, ["at least one"]),
            (.tooManySets(count: 10_001), ["10001", "\(StoreLimits.maxSetsPerCommand)"]),
            (.tooManyMembers(count: 10_001), ["10001", "\(StoreLimits.maxMembersPerCommand)"]),
            (.tooManyOperations(count: 10_001), ["10001", "\(StoreLimits.maxBatchOperations)"]),
            (.nanScore, ["NaN"]),
            (.invalidMaxLength, ["at least 1"]),
            (.invalidLimit(0), ["0", "1 to \(StoreLimits.maxPageLimit)"]),
            (.invalidOffset(100_001), ["100001", "\(StoreLimits.maxRangeOffset)"]),
            (.notACounter, ["counter"]),
            (.counterOverflow, ["overflow"]),
            (.tooManyKeys(count: 1_001), ["1001", "\(StoreLimits.maxKeysPerGet)"]),
            (.wrongSetKind, ["entry-keyed", "member-keyed"]),
        ]
        for (error, words) in cases {
            let reply = RequestExecutor.errorReply(for: error)
            XCTAssertEqual(reply.code, .invalidArgument, "\(error)")
            for word in words {
                XCTAssertTrue(reply.message.contains(word), "\(error): \"\(reply.message)\" does not mention \(word)")
            }
        }
        let merged = RequestExecutor.errorReply(for: .tooManySets(count: 1_001), setLimit: StoreLimits.maxMergedSets)
        XCTAssertTrue(merged.message.contains("limit of \(StoreLimits.maxMergedSets) sets"), merged.message)
        XCTAssertEqual(RequestExecutor.errorReply(for: .malformedCommand(.empty)).code, .internal)
        let condition = RequestExecutor.errorReply(for: .batchConditionFailed(operation: 2))
        XCTAssertEqual(condition.code, .conditionFailed)
        XCTAssertTrue(condition.message.contains("operation 2"), condition.message)
        let tooLarge = RequestExecutor.errorReply(for: .replyTooLarge(bytes: 9_000_000))
        XCTAssertEqual(tooLarge.code, .tooLarge)
        XCTAssertTrue(tooLarge.message.contains("9000000") && tooLarge.message.contains("\(StoreLimits.maxGetManyValueBytes)"), tooLarge.message)
    }

    /// The limits table of docs/storage.md states the values StoreLimits holds.
    func testStorageDocumentStatesTheLimitsInForce() throws {
        let document = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/storage.md")
        let text = try String(contentsOf: document, encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| ") }
        func row(_ label: String) -> String {
            rows.first { $0.hasPrefix("| \(label) |") }.map(String.init) ?? ""
        }
        func grouped(_ value: Int) -> String {
            value.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
        }
        let expectations: [(String, String)] = [
            ("key or set key length", "1 ... \(grouped(StoreLimits.maxKeySize)) bytes"),
            ("value length", "(\(grouped(StoreLimits.maxValueSize)) bytes)"),
            ("member length", "up to \(grouped(StoreLimits.maxMemberSize)) bytes"),
            ("sets per command", "1 ... \(grouped(StoreLimits.maxSetsPerCommand))"),
            ("sets per merged range", "1 ... \(grouped(StoreLimits.maxMergedSets))"),
            ("members per command", "1 ... \(grouped(StoreLimits.maxMembersPerCommand))"),
            ("operations per batch", "1 ... \(grouped(StoreLimits.maxBatchOperations))"),
            ("page limit", "1 ... \(grouped(StoreLimits.maxPageLimit))"),
            ("range offset", "0 ... \(grouped(StoreLimits.maxRangeOffset))"),
            ("keys per multi-get", "0 ... \(grouped(StoreLimits.maxKeysPerGet))"),
            ("values per multi-get answer", "(\(grouped(StoreLimits.maxGetManyValueBytes)) bytes)"),
        ]
        for (label, value) in expectations {
            XCTAssertTrue(row(label).contains(value), "docs/storage.md row \"\(label)\" should state \(value): \(row(label))")
        }
    }
}
