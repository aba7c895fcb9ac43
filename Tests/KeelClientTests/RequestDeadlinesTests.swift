@testable import KeelClient
import NIOCore
import XCTest

/// The ordering behind a connection's one deadline timer, without a clock or a loop.
final class RequestDeadlinesTests: XCTestCase {
    private let base = NIODeadline.uptimeNanoseconds(1_000_000_000)

    private func at(_ milliseconds: Int64) -> NIODeadline {
        self.base + .milliseconds(milliseconds)
    }

    func testExpiredRequestsComeOutInDeadlineOrderWhateverTheOrderAdded() {
        var deadlines = RequestDeadlines()
        deadlines.add(requestID: 1, deadline: self.at(300))
        deadlines.add(requestID: 2, deadline: self.at(100))
        deadlines.add(requestID: 3, deadline: self.at(200))
        deadlines.add(requestID: 4, deadline: self.at(400))
        deadlines.add(requestID: 5, deadline: self.at(200))

        XCTAssertEqual(deadlines.removeExpired(at: self.at(99)), [], "nothing is due yet")
        XCTAssertEqual(deadlines.removeExpired(at: self.at(200)), [2, 3, 5], "due at or before now, ties in the order added")
        XCTAssertEqual(deadlines.removeExpired(at: self.at(1_000)), [1, 4])
        XCTAssertEqual(deadlines.count, 0)
    }

    func testEarliestSkipsAndDropsRequestsThatEnded() {
        var deadlines = RequestDeadlines()
        for id in UInt64(1)...4 {
            deadlines.add(requestID: id, deadline: self.at(Int64(id) * 100))
        }
        let pending: Set<UInt64> = [3, 4]

        XCTAssertEqual(deadlines.earliest { pending.contains($0) }, self.at(300))
        XCTAssertEqual(deadlines.count, 2, "the ended requests in front were dropped")
        XCTAssertNil(deadlines.earliest { _ in false })
        XCTAssertEqual(deadlines.count, 0)
    }

    func testSweepKeepsOnlyPendingRequestsInOrder() {
        var deadlines = RequestDeadlines()
        for id in UInt64(1)...10 {
            deadlines.add(requestID: id, deadline: self.at(Int64(11 - id) * 10))
        }
        deadlines.sweep { $0 % 3 == 0 }

        XCTAssertEqual(deadlines.count, 3)
        XCTAssertEqual(deadlines.removeExpired(at: self.at(1_000)), [9, 6, 3])
    }

    func testRemoveAllForgetsEverything() {
        var deadlines = RequestDeadlines()
        deadlines.add(requestID: 1, deadline: self.at(10))
        deadlines.add(requestID: 2, deadline: self.at(20))
        deadlines.removeAll()

        XCTAssertEqual(deadlines.count, 0)
        XCTAssertNil(deadlines.earliest { _ in true })
    }
}
