import XCTest

@testable import KeelClient

final class RetryBackoffTests: XCTestCase {
    func testDelaysGrowWithinTheirBoundsAndStopAtTheMaximum() {
        let backoff = RetryBackoff(initial: .milliseconds(10), maximum: .milliseconds(100), multiplier: 2)
        var generator = SystemRandomNumberGenerator()
        let bounds: [Double] = [0.010, 0.020, 0.040, 0.080, 0.100, 0.100, 0.100]
        for (attempt, bound) in bounds.enumerated() {
            for _ in 0..<50 {
                let delay = backoff.delay(attempt: attempt, using: &generator).seconds
                XCTAssertGreaterThanOrEqual(delay, bound / 2 - 1e-9, "attempt \(attempt)")
                XCTAssertLessThanOrEqual(delay, bound + 1e-9, "attempt \(attempt)")
            }
        }
        XCTAssertLessThanOrEqual(backoff.delay(attempt: 10_000, using: &generator).seconds, 0.100 + 1e-9)
    }

    func testDelaysAreJittered() {
        let backoff = RetryBackoff()
        var generator = SystemRandomNumberGenerator()
        let delays = Set((0..<20).map { _ in backoff.delay(attempt: 3, using: &generator) })
        XCTAssertGreaterThan(delays.count, 1)
    }
}
