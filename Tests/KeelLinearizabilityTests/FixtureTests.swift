import Foundation
import KeelLinearizability
import XCTest

/// The committed known-bad and known-good histories: each bad one is rejected on the right key
/// with the right operation, each good one is accepted.
final class FixtureTests: XCTestCase {
    private func fixture(_ name: String) throws -> History {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures"), "fixture \(name)")
        return try History(contentsOf: url)
    }

    private func assertRejected(
        _ name: String, key: String, failing: OperationInput, output: OperationOutput,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let report = try LinearizabilityChecker().check(fixture(name))
        XCTAssertEqual(report.summary, .notLinearizable, file: file, line: line)
        XCTAssertEqual(report.failures.map(\.key), [key], file: file, line: line)
        let window = try XCTUnwrap(report.failures.first, file: file, line: line)
        XCTAssertEqual(window.failing.input, failing, file: file, line: line)
        XCTAssertEqual(window.failing.output, output, file: file, line: line)
        for partition in report.partitions where partition.key != key {
            XCTAssertEqual(partition.verdict, .linearizable, "key \(partition.key)", file: file, line: line)
        }
    }

    func testStaleReadIsRejected() throws {
        try assertRejected("bad-stale-read", key: "k1", failing: .read, output: .value(.integer(1)))
    }

    func testLostWriteIsRejected() throws {
        try assertRejected("bad-lost-write", key: "acct", failing: .read, output: .value(nil))
    }

    func testDoubleAppliedIncrementIsRejected() throws {
        try assertRejected("bad-double-increment", key: "likes", failing: .incr(delta: 1), output: .value(.integer(3)))
    }

    func testCasOnWrongValueIsRejected() throws {
        try assertRejected(
            "bad-cas-on-wrong-value", key: "leader", failing: .cas(expected: .integer(2), new: .integer(3)),
            output: .flag(true))
    }

    func testRangeMissingAcknowledgedMemberIsRejected() throws {
        try assertRejected(
            "bad-range-missing-member", key: "feed:alice",
            failing: .zrange(.page(offset: 0, limit: 10, descending: true)),
            output: .members([ScoredMember(member: "post-1", score: 100)]))
    }

    func testLostWriteReportNamesTheAcknowledgedWrite() throws {
        let window = try XCTUnwrap(LinearizabilityChecker().check(fixture("bad-lost-write")).failures.first)
        XCTAssertEqual(window.preceding.map(\.input), [.write(.string("v1"))])
        XCTAssertEqual(window.linearizableCompletions, 1)
        XCTAssertTrue(window.description.contains("p3 read"), window.description)
        XCTAssertFalse(window.isApproximate)
    }

    func testGoodHistoriesAreAccepted() throws {
        for name in ["good-nonobvious-order", "good-info-applied", "good-info-not-applied"] {
            let report = try LinearizabilityChecker().check(fixture(name))
            XCTAssertEqual(report.summary, .linearizable, "\(name):\n\(report)")
            XCTAssertFalse(report.partitions.isEmpty, name)
        }
    }

    /// The non-obvious histories need the search to undo a first choice; the step counts show it did.
    func testNonObviousOrderNeedsBacktracking() throws {
        let report = try LinearizabilityChecker().check(fixture("good-nonobvious-order"))
        let register = try XCTUnwrap(report.partitions.first { $0.key == "r" })
        XCTAssertGreaterThan(register.steps, register.operationCount)
    }

    /// An `info` operation that must have happened, and the same history with a read that
    /// only works if it did not, both pass; dropping the `info` write would reject the first.
    func testInfoOperationIsNeitherRequiredNorForbidden() throws {
        var history = try fixture("good-info-applied")
        history.operations.removeAll { $0.outcome == .info && $0.key == "r" }
        let report = try LinearizabilityChecker().check(history)
        XCTAssertEqual(report.failures.map(\.key), ["r"])
    }

    func testModelsAreInferredPerKey() throws {
        let report = try LinearizabilityChecker().check(fixture("good-nonobvious-order"))
        XCTAssertEqual(
            Dictionary(uniqueKeysWithValues: report.partitions.map { ($0.key, $0.model) }),
            ["r": .register, "c": .counter, "s": .sortedSet, "x": .register])
    }
}
