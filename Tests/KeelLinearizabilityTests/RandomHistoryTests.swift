import KeelLinearizability
import XCTest

/// Histories from real concurrent executions of the reference data must pass; the same
/// histories with one read made impossible must fail on that read.
final class RandomHistoryTests: XCTestCase {
    private let seeds: ClosedRange<UInt64> = 1...40

    private func checkSeeds(_ kind: ModelKind, processes: Int, operations: Int) throws {
        let checker = LinearizabilityChecker()
        for seed in seeds {
            var generator = RandomHistoryGenerator(seed: seed)
            let history = generator.history(keys: [("key", kind)], processesPerKey: processes, operationsPerKey: operations)
            let report = try checker.check(history)
            XCTAssertEqual(report.summary, .linearizable, "seed \(seed):\n\(report)")
            XCTAssertEqual(report.partitions.map(\.model), [kind])

            let (corrupted, index) = generator.corruptingOneRead(of: history, key: "key")
            let corruptedReport = try checker.check(corrupted)
            XCTAssertEqual(corruptedReport.summary, .notLinearizable, "seed \(seed): corrupted read was accepted")
            let window = try XCTUnwrap(corruptedReport.failures.first, "seed \(seed)")
            XCTAssertEqual(window.failing, corrupted.operations[index], "seed \(seed): the corrupted read is the one reported")
            XCTAssertFalse(window.isApproximate, "seed \(seed)")
        }
    }

    func testRegisterHistories() throws {
        try checkSeeds(.register, processes: 4, operations: 150)
    }

    func testCounterHistories() throws {
        try checkSeeds(.counter, processes: 4, operations: 150)
    }

    func testSortedSetHistories() throws {
        try checkSeeds(.sortedSet, processes: 4, operations: 150)
    }

    func testEntrySetHistories() throws {
        try checkSeeds(.entrySet, processes: 4, operations: 150)
    }

    func testMultiKeyHistoryFailsOnlyOnTheCorruptedKey() throws {
        let keys: [(String, ModelKind)] = [("r1", .register), ("r2", .register), ("n", .counter), ("feed", .sortedSet)]
        for seed in UInt64(100)...105 {
            var generator = RandomHistoryGenerator(seed: seed)
            let history = generator.history(keys: keys, processesPerKey: 3, operationsPerKey: 80)
            XCTAssertEqual(try LinearizabilityChecker().check(history).summary, .linearizable, "seed \(seed)")
            let target = keys[Int(seed) % keys.count].0
            let (corrupted, _) = generator.corruptingOneRead(of: history, key: target)
            let reread = try History(jsonLines: corrupted.jsonLines())
            XCTAssertEqual(try LinearizabilityChecker().check(reread).failures.map(\.key), [target], "seed \(seed)")
        }
    }
}
