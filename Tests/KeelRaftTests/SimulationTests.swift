import KeelRaftSimulator
import XCTest

/// A fixed handful of seeds so that `swift test` exercises the simulator too; `make sim`
/// runs thousands.
final class SimulationTests: XCTestCase {
    func testFixedSeedsOfThreeNodesPass() {
        for seed: UInt64 in 1...12 {
            var simulation = Simulation(options: SimulationOptions(seed: seed, nodeCount: 3, faultTicks: 1500))
            let result = simulation.run()
            XCTAssertNil(result.violation, "seed \(seed)")
            // Progress, not throughput: a leader-churn seed (leaders crash a few ticks into
            // their term) commits a few dozen entries where others commit hundreds.
            XCTAssertGreaterThan(result.statistics.entriesCommitted, 20, "seed \(seed) made no progress")
        }
    }

    func testFixedSeedsOfFiveNodesPass() {
        for seed: UInt64 in 100...105 {
            var simulation = Simulation(options: SimulationOptions(seed: seed, nodeCount: 5, faultTicks: 1500))
            let result = simulation.run()
            XCTAssertNil(result.violation, "seed \(seed)")
        }
    }

    func testRunsWithoutFaultsCommitEverything() {
        var simulation = Simulation(options: SimulationOptions(seed: 7, nodeCount: 3, faultTicks: 1000, faults: false))
        let result = simulation.run()
        XCTAssertNil(result.violation)
        XCTAssertEqual(result.statistics.crashes, 0)
        XCTAssertEqual(result.statistics.messagesDropped, 0)
    }

    func testFaultsActuallyHappen() {
        var simulation = Simulation(options: SimulationOptions(seed: 3, nodeCount: 3))
        let statistics = simulation.run().statistics
        XCTAssertGreaterThan(statistics.crashes, 0)
        XCTAssertGreaterThan(statistics.partitions, 0)
        XCTAssertGreaterThan(statistics.messagesDropped, 0)
        XCTAssertGreaterThan(statistics.leadersElected, 1)
        XCTAssertGreaterThan(statistics.compactions, 0)
    }

    func testReplayingASeedGivesTheSameTrace() {
        for seed: UInt64 in [5, 42] {
            var first = Simulation(options: SimulationOptions(seed: seed, nodeCount: 5))
            var second = Simulation(options: SimulationOptions(seed: seed, nodeCount: 5))
            first.eventLog.isEnabled = true
            second.eventLog.isEnabled = true
            let firstResult = first.run()
            let secondResult = second.run()
            XCTAssertEqual(firstResult.traceHash, secondResult.traceHash)
            XCTAssertEqual(firstResult.statistics, secondResult.statistics)
            XCTAssertEqual(first.eventLog.lines, second.eventLog.lines)
        }
        var other = Simulation(options: SimulationOptions(seed: 6, nodeCount: 5))
        var again = Simulation(options: SimulationOptions(seed: 5, nodeCount: 5))
        XCTAssertNotEqual(other.run().traceHash, again.run().traceHash, "different seeds should differ")
    }
}
