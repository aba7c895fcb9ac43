import KeelClient
import KeelTestKit
import Logging
import XCTest

/// `getMany` through KeelClient against three real `keel-server` processes: every
/// consistency, and the refusals of bad or oversized input.
final class MultiGetClusterTests: ClusterClientTestCase {
    func testEveryConsistencyReadsEveryKeyInOrder() async throws {
        let (cluster, leader) = try self.startCluster()
        let client = try self.makeClient(for: cluster)
        let keys = (0..<300).map { "item:\($0)" }
        var expected: [[UInt8]?] = []
        var lastWrite: UInt64 = 0
        for (index, key) in keys.enumerated() {
            if index.isMultiple(of: 4) {
                expected.append(nil)
            } else {
                let value = Array("value \(index)".utf8)
                lastWrite = try await client.put(key.utf8, value: value)
                expected.append(value)
            }
        }
        for consistency in [ReadConsistency.linearizable, .lease] {
            let values = try await client.getMany(keys.map(\.utf8), consistency: consistency)
            XCTAssertEqual(values, expected, "\(consistency)")
        }
        let none = try await client.getMany([[UInt8]]())
        XCTAssertEqual(none, [])

        // A stale multi-get from a follower alone: one applied index for all of it.
        let followerID = try XCTUnwrap(cluster.nodes.keys.sorted().first { $0 != leader })
        let follower = try self.makeClient(for: cluster, only: [followerID])
        let deadline = ContinuousClock.now + .seconds(30)
        var read = try await follower.readMany(keys.map(\.utf8), consistency: .stale)
        while read.appliedIndex < lastWrite {
            guard ContinuousClock.now < deadline else { return XCTFail("the follower never applied index \(lastWrite)") }
            try await Task.sleep(for: .milliseconds(20))
            read = try await follower.readMany(keys.map(\.utf8), consistency: .stale)
        }
        XCTAssertEqual(read.values, expected)
    }

    func testBadAndOversizedInputGetTypedErrors() async throws {
        let (cluster, _) = try self.startCluster()
        let client = try self.makeClient(for: cluster)
        let big = [UInt8](repeating: 0x42, count: 1 << 20)
        let bigKeys = (0..<9).map { Array("big:\($0)".utf8) }
        for key in bigKeys {
            try await client.put(key, value: big)
        }
        let cases: [(String, [String], @Sendable () async throws -> Void)] = [
            ("an empty key", ["empty"], { _ = try await client.getMany([Array("a".utf8), []]) }),
            ("an oversize key", ["1025", "1024"], { _ = try await client.getMany([[UInt8](repeating: 1, count: 1_025)]) }),
            ("too many keys", ["1001", "1000"], { _ = try await client.getMany((0...1_000).map { Array("k\($0)".utf8) }) }),
        ]
        for (name, words, call) in cases {
            do {
                try await call()
                XCTFail("\(name) was accepted")
            } catch KeelError.invalidArgument(let message) {
                for word in words {
                    XCTAssertTrue(message.contains(word), "\(name): \"\(message)\" does not mention \(word)")
                }
            }
        }
        do {
            _ = try await client.getMany(bigKeys)
            XCTFail("9 MiB of values came back in one answer")
        } catch KeelError.tooLarge(let message) {
            XCTAssertTrue(message.contains("8388608"), message)
        }
        // Fewer keys of the same values fit, and the client keeps serving.
        let eight = try await client.getMany(Array(bigKeys.prefix(8)))
        XCTAssertEqual(eight, Array(repeating: big, count: 8))
    }
}
