import KeelLinearizability
import XCTest

/// The size of history a chaos run produces: 5,000 operations with 5 clients on one key,
/// 1% of them with an unknown outcome and 3% failed. No timing is asserted (see
/// TESTING.md); the test's duration is the figure to watch.
final class LargeHistoryTests: XCTestCase {
    func testFiveThousandOperationsWithFiveClientsPerKey() throws {
        for kind in ModelKind.allCases {
            var generator = RandomHistoryGenerator(seed: 2024)
            let history = generator.history(keys: [("key", kind)], processesPerKey: 5, operationsPerKey: 5_000, infoRate: 0.01)
            let report = try LinearizabilityChecker().check(history)
            XCTAssertEqual(report.summary, .linearizable, "\(kind): \(report)")
            XCTAssertGreaterThan(report.partitions[0].operationCount, 4_500)
        }
    }
}
