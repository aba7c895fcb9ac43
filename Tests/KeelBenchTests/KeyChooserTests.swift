import XCTest

@testable import keel_bench

final class KeyChooserTests: XCTestCase {
    func testUniformDrawsStayInRangeAndReachEveryKey() {
        let chooser = KeyChooser(count: 10, distribution: .uniform)
        var random = SplitMix64(seed: 7)
        var seen = Set<Int>()
        for _ in 0..<1_000 {
            let key = chooser.next(using: &random)
            XCTAssert((0..<10).contains(key), "key \(key) out of range")
            seen.insert(key)
        }
        XCTAssertEqual(seen.count, 10)
    }

    func testZipfianFavoursTheFirstKeys() {
        let chooser = KeyChooser(count: 1_000, distribution: .zipfian, theta: 0.99)
        var random = SplitMix64(seed: 11)
        var counts = [Int](repeating: 0, count: 1_000)
        for _ in 0..<100_000 {
            let key = chooser.next(using: &random)
            XCTAssert((0..<1_000).contains(key), "key \(key) out of range")
            counts[key] += 1
        }
        // With theta 0.99 over 1,000 keys the first key takes about 13 % of the draws and the
        // first ten about 39 %, the upper half about 9 %; a uniform draw would give 0.1 %, 1 % and 50 %.
        XCTAssertGreaterThan(counts[0], 10_000)
        XCTAssertGreaterThan(counts[0..<10].reduce(0, +), 30_000)
        XCTAssertLessThan(counts[500..<1_000].reduce(0, +), 15_000)
    }

    func testKeysHaveTheRequestedSizeAndStayDistinct() {
        XCTAssertEqual(LoadOptions.key(42, prefix: "k", size: 16), Array("k000000000000042".utf8))
        XCTAssertEqual(LoadOptions.key(123_456, prefix: "timeline:", size: 8), Array("e:123456".utf8))
        XCTAssertEqual(LoadOptions.key(123_456_789, prefix: "k", size: 4), Array("123456789".utf8))
    }
}
