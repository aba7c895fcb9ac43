import Foundation
import KeelLinearizability
import XCTest

@testable import KeelChaos

final class HistoryRecorderTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-chaos-tests-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testWritesAHistoryTheCheckerReads() throws {
        let path = directory.appendingPathComponent("history.jsonl").path
        let recorder = try HistoryRecorder(path: path)
        recorder.invoke(process: 0, function: .write, key: "register-0", value: .integer(7))
        recorder.invoke(process: 1, function: .cas, key: "register-0", value: .array([.integer(7), .integer(8)]))
        recorder.complete(process: 0, outcome: .ok, function: .write, key: "register-0", value: .null)
        recorder.complete(process: 1, outcome: .info, function: .cas, key: "register-0", value: .null, error: "timed out \"quoted\"")
        recorder.invoke(process: 2, function: .zadd, key: "set-2", value: .array([.string("a"), .number(1.5)]))
        recorder.complete(process: 2, outcome: .fail, function: .zadd, key: "set-2", value: .null, error: "unavailable")
        try recorder.close()

        let history = try History(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(history.operations.count, 3)
        XCTAssertEqual(history.operations.map(\.outcome), [.ok, .info, .fail])
        XCTAssertEqual(recorder.outcomes, [.ok: 1, .info: 1, .fail: 1])
        let times: [Int64] = history.operations.flatMap { [$0.callTime, $0.completionTime ?? 0] }
        XCTAssertTrue(times.allSatisfy { $0 >= 0 })
        XCTAssertLessThanOrEqual(history.operations[0].callTime, history.operations[1].callTime)
        XCTAssertTrue(try LinearizabilityChecker().check(history).isLinearizable)
    }

    func testCounterReadBackMustHoldEveryAcknowledgedIncrement() throws {
        let keys = [ChaosKey(name: "counter-1", model: .counter)]
        func history(final value: Int64) -> History {
            var operations = (0..<3).map { index in
                HistoryOperation(
                    process: index, key: "counter-1", input: .incr(delta: 1), output: .value(.integer(Int64(index + 1))),
                    outcome: .ok, callTime: Int64(index * 10), completionTime: Int64(index * 10 + 5)
                )
            }
            operations.append(
                HistoryOperation(process: 9, key: "counter-1", input: .incr(delta: 1), outcome: .info, callTime: 40, completionTime: 45)
            )
            operations.append(
                HistoryOperation(
                    process: ChaosRun.finalProcessBase, key: "counter-1", input: .read, output: .value(.integer(value)),
                    outcome: .ok, callTime: 100, completionTime: 105
                )
            )
            return History(operations: operations)
        }
        XCTAssertEqual(ChaosRun.missingIncrements(in: history(final: 3), keys: keys), [])
        XCTAssertEqual(ChaosRun.missingIncrements(in: history(final: 4), keys: keys), [])
        XCTAssertEqual(ChaosRun.missingIncrements(in: history(final: 2), keys: keys).count, 1, "an acknowledged increment is lost")
        XCTAssertEqual(ChaosRun.missingIncrements(in: history(final: 5), keys: keys).count, 1, "an increment applied twice")
    }

    func testSeededGeneratorsRepeatAndStreamsDiffer() {
        var first = SeededGenerator(seed: 42, stream: 1)
        var again = SeededGenerator(seed: 42, stream: 1)
        var other = SeededGenerator(seed: 42, stream: 2)
        let a = (0..<8).map { _ in first.next() }
        XCTAssertEqual(a, (0..<8).map { _ in again.next() })
        XCTAssertNotEqual(a, (0..<8).map { _ in other.next() })
    }
}
