@testable import KeelStore
import RocksDB
import XCTest

final class SetSummaryCacheTests: XCTestCase {
    private func summary(_ count: UInt64) -> SetSummary {
        SetSummary(count: count, lowestScore: 100 + count, kind: .memberKeyed, head: [ScoredEntry(score: 100 + count, member: bytes("m"))])
    }

    func testStoresAndReplacesSummaries() {
        let cache = SetSummaryCache(capacity: 10)
        XCTAssertNil(cache.summary(of: bytes("a")))
        cache.store(summary(1), for: bytes("a"))
        cache.store(summary(2), for: bytes("b"))
        cache.store(summary(3), for: bytes("a"))
        XCTAssertEqual(cache.summary(of: bytes("a")), summary(3))
        XCTAssertEqual(cache.summary(of: bytes("b")), summary(2))
        XCTAssertEqual(cache.count, 2)
        cache.removeAll()
        XCTAssertNil(cache.summary(of: bytes("a")))
        XCTAssertEqual(cache.count, 0)
    }

    func testStaysWithinCapacityAndKeepsSetsInUse() {
        let cache = SetSummaryCache(capacity: 4)
        cache.store(summary(0), for: bytes("hot"))
        for index in 1...50 {
            cache.store(summary(UInt64(index)), for: bytes("cold\(index)"))
            // Reading the hot set every time keeps it in the young generation.
            XCTAssertEqual(cache.summary(of: bytes("hot")), summary(0), "after \(index) cold sets")
            XCTAssertLessThanOrEqual(cache.count, 4)
        }
        XCTAssertNil(cache.summary(of: bytes("cold1")))
        XCTAssertEqual(cache.summary(of: bytes("cold50")), summary(50))
    }

    func testAnOldGenerationHitIsMovedBackAndUpdatesWin() {
        let cache = SetSummaryCache(capacity: 4)
        cache.store(summary(1), for: bytes("a"))
        cache.store(summary(2), for: bytes("b"))
        // The young generation (2 sets) is full: "a" and "b" become old.
        cache.store(summary(3), for: bytes("c"))
        cache.store(summary(9), for: bytes("a"))
        XCTAssertEqual(cache.summary(of: bytes("a")), summary(9))
        XCTAssertEqual(cache.summary(of: bytes("b")), summary(2))
        XCTAssertLessThanOrEqual(cache.count, 4)
    }

    func testZeroCapacityHoldsNothing() {
        let cache = SetSummaryCache(capacity: 0)
        cache.store(summary(1), for: bytes("a"))
        XCTAssertNil(cache.summary(of: bytes("a")))
        XCTAssertEqual(cache.count, 0)
    }
}
