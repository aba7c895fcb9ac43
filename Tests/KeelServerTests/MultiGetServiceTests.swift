import Foundation
import KeelStore
import KeelTestKit
import KeelWire
import XCTest

/// Multi-gets at the wire level against real nodes: where they are served, and bad input.
final class MultiGetServiceTests: ClusterTestCase {
    func testLeaderAnswersEveryKeyAndFollowersServeOnlyStaleMultiGets() throws {
        let cluster = try startCluster()
        XCTAssertTrue(try put("a", "1").isSuccess)
        let written = try put("empty", "")
        guard case .put(let index) = written else { return XCTFail("put answered \(written)") }
        let keys = [Array("a".utf8), Array("missing".utf8), Array("empty".utf8), Array("a".utf8)]
        let expected: [[UInt8]?] = [Array("1".utf8), nil, [], Array("1".utf8)]

        for consistency in [Consistency.linearizable, .lease] {
            let result = try callLeader(.getMany(keys: keys, consistency: consistency))
            guard case .getMany(let values, let appliedIndex) = result else { return XCTFail("\(consistency): \(result)") }
            XCTAssertEqual(values, expected)
            XCTAssertGreaterThanOrEqual(appliedIndex, index)
        }
        let empty = try callLeader(.getMany(keys: [], consistency: .linearizable))
        guard case .getMany(let none, _) = empty else { return XCTFail("an empty multi-get answered \(empty)") }
        XCTAssertEqual(none, [])

        let leader = try cluster.waitForLeader()
        let followerID = try XCTUnwrap([UInt64(1), 2, 3].first { $0 != leader })
        let follower = try cluster.client(followerID)
        let refused = try follower.call(.getMany(keys: keys, consistency: .linearizable))
        guard case .error(let error) = refused else { return XCTFail("a follower served a linearizable multi-get") }
        XCTAssertEqual(error.code, .notLeader)
        let stale = try cluster.waitFor("the follower to apply the puts") { () -> [[UInt8]?]? in
            let result = try follower.call(.getMany(keys: keys, consistency: .stale))
            guard case .getMany(let values, let appliedIndex) = result, appliedIndex >= index else { return nil }
            return values
        }
        XCTAssertEqual(stale, expected)
    }

    func testBadInputIsRefusedWithTypedErrorsAndTheConnectionStaysOpen() throws {
        let cluster = try startCluster()
        let oversizedKey = [UInt8](repeating: 1, count: StoreLimits.maxKeySize + 1)
        let refusals: [([[UInt8]], ErrorCode, String)] = [
            ([Array("a".utf8), []], .invalidArgument, "empty"),
            ([oversizedKey], .invalidArgument, "\(StoreLimits.maxKeySize)"),
            ((0...StoreLimits.maxKeysPerGet).map { Array("k\($0)".utf8) }, .invalidArgument, "\(StoreLimits.maxKeysPerGet)"),
        ]
        for (keys, code, word) in refusals {
            let result = try callLeader(.getMany(keys: keys, consistency: .linearizable))
            guard case .error(let error) = result else { return XCTFail("\(keys.count) keys answered \(result)") }
            XCTAssertEqual(error.code, code)
            XCTAssertTrue(error.message.contains(word), error.message)
        }

        // Values over the reply budget: TOO_LARGE, and the same connection serves on.
        let value = [UInt8](repeating: 9, count: StoreLimits.maxValueSize)
        let count = StoreLimits.maxGetManyValueBytes / StoreLimits.maxValueSize + 1
        for index in 0..<count {
            XCTAssertTrue(try callLeader(.write(.put(key: Array("big\(index)".utf8), value: value))).isSuccess)
        }
        let leader = try cluster.waitForLeader()
        let client = try cluster.client(leader, receiveTimeout: 10)
        let tooLarge = try client.call(.getMany(keys: (0..<count).map { Array("big\($0)".utf8) }, consistency: .linearizable))
        guard case .error(let error) = tooLarge else { return XCTFail("an oversized answer was sent") }
        XCTAssertEqual(error.code, .tooLarge)
        XCTAssertTrue(error.message.contains("\(StoreLimits.maxGetManyValueBytes)"), error.message)
        let fits = try client.call(.getMany(keys: [Array("big0".utf8), Array("nothing".utf8)], consistency: .linearizable))
        guard case .getMany(let values, _) = fits else { return XCTFail("the connection stopped serving: \(fits)") }
        XCTAssertEqual(values, [value, nil])
    }
}
