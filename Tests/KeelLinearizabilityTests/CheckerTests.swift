import KeelLinearizability
import XCTest

final class CheckerTests: XCTestCase {
    private func op(
        _ process: Int, _ input: OperationInput, _ output: OperationOutput, _ call: Int64, _ ret: Int64?,
        key: String = "k", outcome: Outcome = .ok
    ) -> HistoryOperation {
        HistoryOperation(process: process, key: key, input: input, output: output, outcome: outcome, callTime: call, completionTime: ret)
    }

    private func op(
        _ process: Int, _ input: OperationInput, _ call: Int64, _ ret: Int64?, key: String = "k", outcome: Outcome = .ok
    ) -> HistoryOperation {
        op(process, input, .unreported, call, ret, key: key, outcome: outcome)
    }

    func testEmptyHistoryIsLinearizable() throws {
        let report = try LinearizabilityChecker().check(History())
        XCTAssertEqual(report.summary, .linearizable)
        XCTAssertTrue(report.partitions.isEmpty)
    }

    /// Equal timestamps are read as overlapping: a read that returns at the very instant a
    /// write is invoked may see that write.
    func testEqualTimesOverlap() throws {
        let history = History(operations: [
            op(1, .write(.integer(1)), 10, 20),
            op(2, .read, .value(.integer(1)), 0, 10),
        ])
        XCTAssertEqual(try LinearizabilityChecker().check(history).summary, .linearizable)
        let strict = History(operations: [
            op(1, .write(.integer(1)), 11, 20),
            op(2, .read, .value(.integer(1)), 0, 10),
        ])
        XCTAssertEqual(try LinearizabilityChecker().check(strict).summary, .notLinearizable)
    }

    /// An entry-keyed set: a removal of an entry another client added concurrently may come
    /// first or last, but a read after both cannot see the entry twice or lose a second score.
    func testEntrySetHistories() throws {
        let a1 = ScoredMember(member: "a", score: 1), a2 = ScoredMember(member: "a", score: 2)
        let history = History(operations: [
            op(1, .eadd(member: "a", score: 1), .flag(true), 0, 10),
            op(2, .eadd(member: "a", score: 2), .flag(true), 5, 15),
            op(3, .erem(member: "a", score: 1), .flag(false), 6, 12),
            op(1, .zrange(.all), .members([a1, a2]), 20, 30),
        ])
        XCTAssertEqual(try LinearizabilityChecker().check(history).summary, .linearizable)
        let lost = History(operations: [
            op(1, .eadd(member: "a", score: 1), .flag(true), 0, 10),
            op(2, .eadd(member: "a", score: 2), .flag(true), 11, 15),
            op(1, .zrange(.all), .members([a2]), 20, 30),
        ])
        XCTAssertEqual(try LinearizabilityChecker().check(lost).summary, .notLinearizable, "a:1 was added and never removed")
    }

    func testFailedOperationsNeverHappened() throws {
        let history = History(operations: [
            op(1, .write(.integer(1)), 0, 10, outcome: .fail),
            op(2, .read, .value(.integer(1)), 20, 30),
        ])
        XCTAssertEqual(try LinearizabilityChecker().check(history).failures.map(\.key), ["k"])
    }

    func testInfoOperationMayTakeEffectLongAfterItsCompletionWasRecorded() throws {
        let history = History(operations: [
            op(1, .incr(delta: 1), 0, 10, outcome: .info),
            op(2, .read, .value(nil), 20, 30),
            op(2, .read, .value(.integer(1)), 40, 50),
        ])
        XCTAssertEqual(try LinearizabilityChecker().check(history).summary, .linearizable)
    }

    /// Two unknown increments must both have happened before one read: beyond what the fast
    /// first pass tries, so the complete search has to find it.
    func testSeveralUnknownOperationsInARow() throws {
        let history = History(operations: [
            op(1, .incr(delta: 1), 0, 5, outcome: .info),
            op(2, .incr(delta: 2), 1, nil, outcome: .info),
            op(3, .incr(delta: 4), 2, nil, outcome: .info),
            op(4, .read, .value(.integer(3)), 10, 20),
            op(4, .read, .value(.integer(7)), 30, 40),
        ])
        XCTAssertEqual(try LinearizabilityChecker().check(history).summary, .linearizable)
        var impossible = history
        impossible.operations[4].output = .value(.integer(6))
        XCTAssertEqual(try LinearizabilityChecker().check(impossible).failures.map(\.failing), [impossible.operations[4]])
    }

    func testFailureWindowIsTheFirstCompletionThatCannotBePlaced() throws {
        let history = History(operations: [
            op(1, .write(.integer(1)), 0, 10),
            op(2, .write(.integer(2)), 5, 30),
            op(3, .read, .value(.integer(2)), 20, 40),
            op(1, .read, .value(.integer(1)), 50, 60),  // cannot be placed: 2 was seen after 1
            op(3, .read, .value(.integer(7)), 70, 80),  // also wrong, but later
            op(4, .write(.integer(3)), 55, 90),
        ])
        let report = try LinearizabilityChecker(limits: CheckLimits(precedingOperations: 2)).check(history)
        let window = try XCTUnwrap(report.failures.first)
        XCTAssertEqual(window.failing, history.operations[3])
        XCTAssertEqual(window.linearizableCompletions, 3)
        XCTAssertEqual(window.preceding, [history.operations[1], history.operations[2]])
        XCTAssertEqual(window.concurrent, [history.operations[5]])
        XCTAssertTrue(report.description.contains("NOT linearizable"), report.description)
        XCTAssertTrue(report.description.hasSuffix("verdict: not linearizable"), report.description)
    }

    func testStepBudgetEndsAsUnknown() throws {
        var generator = RandomHistoryGenerator(seed: 3)
        let history = generator.history(keys: [("r", .register)], processesPerKey: 5, operationsPerKey: 200)
        let report = try LinearizabilityChecker(limits: CheckLimits(maxSteps: 10)).check(history)
        XCTAssertEqual(report.summary, .unknown)
        guard case .unknown(let reason) = report.partitions[0].verdict else { return XCTFail("\(report)") }
        XCTAssertTrue(reason.contains("10 steps"), reason)
    }

    func testTimeLimitEndsAsUnknown() throws {
        var generator = RandomHistoryGenerator(seed: 4)
        let history = generator.history(keys: [("r", .register)], processesPerKey: 5, operationsPerKey: 2_000)
        let report = try LinearizabilityChecker(limits: CheckLimits(timeLimit: .zero)).check(history)
        XCTAssertEqual(report.summary, .unknown, "\(report)")
    }

    func testMixedModelsNeedAnExplicitModel() throws {
        let history = History(operations: [
            op(1, .write(.integer(1)), 0, 10),
            op(2, .incr(delta: 1), .value(.integer(2)), 20, 30),
        ])
        XCTAssertThrowsError(try LinearizabilityChecker().check(history)) { error in
            XCTAssertEqual(error as? CheckError, .mixedModels(key: "k"))
        }
        let report = try LinearizabilityChecker(models: ["k": .counter]).check(history)
        XCTAssertEqual(report.summary, .notLinearizable, "a counter has no write")
    }

    func testConcurrentCheckAgreesWithSequential() async throws {
        var generator = RandomHistoryGenerator(seed: 11)
        let good = generator.history(
            keys: [("a", .register), ("b", .counter), ("c", .sortedSet)], processesPerKey: 3, operationsPerKey: 100)
        let (bad, _) = generator.corruptingOneRead(of: good, key: "b")
        let checker = LinearizabilityChecker()
        for history in [good, bad] {
            let sequential = try checker.check(history)
            let concurrent = try await checker.checkConcurrently(history)
            XCTAssertEqual(concurrent, sequential)
        }
        XCTAssertEqual(try checker.check(bad).failures.map(\.key), ["b"])
    }
}
