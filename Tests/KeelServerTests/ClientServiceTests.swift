import Foundation
import KeelTestKit
import KeelWire
import XCTest

final class ClientServiceTests: ClusterTestCase {
    func testRetriedWriteWithTheSameSessionIsAppliedOnce() throws {
        let cluster = try startCluster()
        let key = Array("counter".utf8)
        let first = try callLeader(.write(.increment(key: key, delta: 5)), session: WriteSession(clientID: 77, sequence: 1))
        let retry = try callLeader(.write(.increment(key: key, delta: 5)), session: WriteSession(clientID: 77, sequence: 1))
        guard case .increment(let value, let index) = first, case .increment(let retriedValue, _) = retry else {
            return XCTFail("increments failed: \(first), \(retry)")
        }
        XCTAssertEqual(value, 5)
        XCTAssertEqual(retriedValue, 5, "the retry returns the first result")
        XCTAssertGreaterThan(index, 0)
        let next = try callLeader(.write(.increment(key: key, delta: 5)), session: WriteSession(clientID: 77, sequence: 2))
        guard case .increment(let nextValue, _) = next else { return XCTFail("increment failed: \(next)") }
        XCTAssertEqual(nextValue, 10)
        XCTAssertEqual(try get("counter"), [0, 0, 0, 0, 0, 0, 0, 10])
        _ = cluster
    }

    func testCompareAndSetAndErrorsAreAnsweredPerRequest() throws {
        let cluster = try startCluster()
        let key = Array("cas".utf8)
        XCTAssertEqual(try callLeader(.write(.compareAndSet(key: key, expected: nil, newValue: [1]))).isSuccess, true)
        let failed = try callLeader(.write(.compareAndSet(key: key, expected: nil, newValue: [2])))
        guard case .error(let error) = failed else { return XCTFail("second CAS: \(failed)") }
        XCTAssertEqual(error.code, .conditionFailed)
        XCTAssertEqual(try get("cas"), [1])

        // Compare-and-sets inside a batch: all of it or none of it.
        let batch = try callLeader(.batch([.compareAndSet(key: key, expected: [1], newValue: [3]), .put(key: Array("other".utf8), value: [9])]))
        XCTAssertTrue(batch.isSuccess, "\(batch)")
        XCTAssertEqual(try get("cas"), [3])
        XCTAssertEqual(try get("other"), [9])
        let refusedBatch = try callLeader(.batch([.put(key: Array("third".utf8), value: [1]), .compareAndSet(key: key, expected: nil, newValue: [4])]))
        guard case .error(let batchError) = refusedBatch else { return XCTFail("batch with a failing condition: \(refusedBatch)") }
        XCTAssertEqual(batchError.code, .conditionFailed)
        XCTAssertTrue(batchError.message.contains("operation 1"), batchError.message)
        XCTAssertNil(try get("third"))
        XCTAssertEqual(try get("cas"), [3])
        let increments = try callLeader(.batch([
            .increment(key: Array("n".utf8), delta: 2), .put(key: Array("fourth".utf8), value: [4]), .increment(key: Array("n".utf8), delta: 3),
        ]))
        guard case .batch(let values, _) = increments else { return XCTFail("batch of increments: \(increments)") }
        XCTAssertEqual(values, [2, 5])
        XCTAssertEqual(try get("n"), [0, 0, 0, 0, 0, 0, 0, 5])

        let notCounter = try callLeader(.write(.increment(key: key, delta: 1)))
        guard case .error(let counterError) = notCounter else { return XCTFail("increment: \(notCounter)") }
        XCTAssertEqual(counterError.code, .invalidArgument)
        let unknown = try cluster.client(try cluster.waitForLeader()).call(.unknown)
        guard case .error(let unknownError) = unknown else { return XCTFail("unknown op: \(unknown)") }
        XCTAssertEqual(unknownError.code, .unknownCommand)
    }

    func testAWriteThatAsksIsAnsweredAtItsCommitAndAgainOnceApplied() throws {
        let cluster = try startCluster()
        let leader = try cluster.waitForLeader()
        let client = try cluster.client(leader)

        let put = try client.send(.write(.put(key: Array("acked".utf8), value: [1])), session: WriteSession(clientID: 91, sequence: 1), acknowledgeCommit: true)
        let interim = try client.receive()
        XCTAssertEqual(interim.id, put)
        guard case .committed(let index) = interim.result else { return XCTFail("first answer: \(interim.result)") }
        let final = try client.receive()
        XCTAssertEqual(final.id, put)
        guard case .put(let appliedIndex) = final.result else { return XCTFail("final answer: \(final.result)") }
        XCTAssertEqual(appliedIndex, index, "both answers name the write's entry")
        XCTAssertEqual(try get("acked"), [1])

        // Committed, then refused when applied: entries into a member-keyed set.
        let set = Array("members".utf8)
        XCTAssertTrue(try client.call(.sortedSet(.add(set: set, members: [SortedSetMember(member: [1], score: 1)], mode: .upsert, maxLength: nil))).isSuccess)
        let entries = try client.send(
            .sortedSet(.addEntryToMany(sets: [set], entry: SortedSetMember(member: [2], score: 2), maxLength: nil)),
            session: WriteSession(clientID: 91, sequence: 2), acknowledgeCommit: true
        )
        let committed = try client.receive()
        XCTAssertEqual(committed.id, entries)
        guard case .committed = committed.result else { return XCTFail("first answer: \(committed.result)") }
        let refused = try client.receive()
        XCTAssertEqual(refused.id, entries)
        guard case .error(let error) = refused.result else { return XCTFail("final answer: \(refused.result)") }
        XCTAssertEqual(error.code, .invalidArgument)

        // Reads, and writes that do not ask, get one answer each.
        let read = try client.send(.get(key: Array("acked".utf8), consistency: .linearizable), acknowledgeCommit: true)
        let plain = try client.send(.write(.put(key: Array("plain".utf8), value: [2])), session: WriteSession(clientID: 91, sequence: 3))
        var answers: [UInt64: ClientResult] = [:]
        for _ in 0..<2 {
            let response = try client.receive()
            answers[response.id] = response.result
        }
        guard case .get(let value, _) = answers[read] else { return XCTFail("read: \(String(describing: answers[read]))") }
        XCTAssertEqual(value, [1])
        guard case .put = answers[plain] else { return XCTFail("plain write: \(String(describing: answers[plain]))") }
    }

    func testManyRequestsInFlightOnOneConnectionAreAllAnswered() throws {
        let cluster = try startCluster()
        let leader = try cluster.waitForLeader()
        let client = try cluster.client(leader)
        var sent: Set<UInt64> = []
        for index in 0..<2000 {
            sent.insert(try client.send(.write(.put(key: Array("p\(index)".utf8), value: [UInt8(index & 0xFF)]))))
        }
        var answered: Set<UInt64> = []
        while answered.count < sent.count {
            let response = try client.receive()
            guard case .put = response.result else { return XCTFail("pipelined write: \(response.result)") }
            answered.insert(response.id)
        }
        XCTAssertEqual(answered, sent)
    }

    func testWrongClusterGarbageAndOversizedFramesAreRefusedWhileTheNodeKeepsServing() throws {
        let cluster = try startCluster()
        let leader = try cluster.waitForLeader()
        let node = try XCTUnwrap(cluster.nodes[leader])
        let healthy = try cluster.client(leader)

        XCTAssertThrowsError(try WireClient(port: node.clientPort, clusterID: "another-cluster")) { error in
            guard case WireClient.Failure.refused(let reply) = error else { return XCTFail("expected a refusal, got \(error)") }
            XCTAssertEqual(reply.code, .wrongCluster)
        }

        // Garbage instead of a preface, on the client port and on the peer port.
        for port in [node.clientPort, node.peerPort] {
            let raw = try RawConnection(port: port)
            try raw.write(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            XCTAssertTrue(raw.waitForClose(timeout: 5), "port \(port) must close on garbage")
        }

        // A peer of another cluster is refused.
        let peer = try RawConnection(port: node.peerPort)
        try peer.write(Preface(kind: .peer).serialized() + WireClient.frame(Hello(clusterID: "other", nodeID: 9, softwareVersion: "x").serialized()))
        let reply = try HelloReply(serialized: try peer.readFrame())
        guard case .rejected(let peerError) = reply else { return XCTFail("peer of another cluster accepted") }
        XCTAssertEqual(peerError.code, .wrongCluster)

        // An oversized frame after a good handshake: TOO_LARGE on id 0, then the close.
        let big = try cluster.client(leader)
        try big.writeRaw([0x7F, 0xFF, 0xFF, 0xFF])
        let response = try big.receive()
        XCTAssertEqual(response.id, 0)
        guard case .error(let tooLarge) = response.result else { return XCTFail("oversize answered \(response.result)") }
        XCTAssertEqual(tooLarge.code, .tooLarge)
        XCTAssertTrue(big.waitForClose(timeout: 5))

        // A frame protobuf cannot parse closes that connection only.
        let broken = try cluster.client(leader)
        try broken.writeRaw(WireClient.frame([0x0A, 0xFF, 0xFF]))
        XCTAssertTrue(broken.waitForClose(timeout: 5))

        // A preface of an unsupported protocol version: one version-1 refusal, then the close.
        let future = try RawConnection(port: node.clientPort)
        try future.write([0x4B, 0x45, 0x45, 0x4C, 0x00, 0x09, 0x01, 0x00])
        guard case .rejected(let versionError) = try HelloReply(serialized: try future.readFrame()) else {
            return XCTFail("an unsupported version was accepted")
        }
        XCTAssertEqual(versionError.code, .unsupportedVersion)
        XCTAssertTrue(future.waitForClose(timeout: 5))

        // Nothing was written, and the healthy connection still works.
        guard case .put = try healthy.call(.write(.put(key: Array("still".utf8), value: Array("serving".utf8)))) else {
            return XCTFail("the healthy connection stopped working")
        }
        XCTAssertEqual(try get("still"), Array("serving".utf8))
    }

    func testAWriteWithoutAQuorumEndsInAnErrorByItsDeadline() throws {
        let cluster = try startCluster()
        let leader = try cluster.waitForLeader()
        let client = try cluster.client(leader)
        for follower in [UInt64(1), 2, 3] where follower != leader { cluster.kill(follower) }
        // Asking to hear of the commit: an entry no quorum holds is never announced.
        let id = try client.send(.write(.put(key: [1], value: [1])), timeoutMilliseconds: 500, acknowledgeCommit: true)
        let response = try client.receive()
        XCTAssertEqual(response.id, id)
        guard case .error(let error) = response.result else { return XCTFail("a write without a quorum was answered \(response.result)") }
        XCTAssertTrue([.timeout, .notLeader, .unavailable].contains(error.code), "\(error)")
        // Stale reads still work on the isolated node.
        guard case .get = try client.call(.get(key: [1], consistency: .stale)) else { return XCTFail("stale read failed") }
    }

    func testARequestWithAShorterDeadlineIsAnsweredFirst() throws {
        let cluster = try startCluster()
        let leader = try cluster.waitForLeader()
        let client = try cluster.client(leader)
        for follower in [UInt64(1), 2, 3] where follower != leader { cluster.kill(follower) }
        // The connection's one deadline timer is set for the first request and must be moved
        // earlier for the second.
        let slow = try client.send(.write(.put(key: [1], value: [1])), timeoutMilliseconds: 3_000)
        let fast = try client.send(.write(.put(key: [2], value: [2])), timeoutMilliseconds: 300)
        let first = try client.receive()
        let second = try client.receive()
        XCTAssertEqual(Set([first.id, second.id]), [slow, fast])
        for response in [first, second] {
            guard case .error(let error) = response.result else { return XCTFail("a write without a quorum succeeded") }
            XCTAssertTrue([.timeout, .notLeader, .unavailable].contains(error.code), "\(error)")
        }
        // Only a refusal (the node stepped down first) may answer the slow request before the
        // fast one has timed out.
        if first.id == slow, case .error(let error) = first.result {
            XCTAssertNotEqual(error.code, .timeout, "the 3 s request timed out before the 300 ms one")
        }
    }

    func testLeaseReadsWhenEnabled() throws {
        let cluster = try startCluster(extraArguments: ["--lease-reads"])
        XCTAssertNotNil(try put("lease", "value"))
        XCTAssertEqual(try get("lease", consistency: .lease), Array("value".utf8))
        let leader = try cluster.waitForLeader()
        let follower = try XCTUnwrap([UInt64(1), 2, 3].first { $0 != leader })
        let answer = try cluster.client(follower).call(.get(key: Array("lease".utf8), consistency: .lease))
        guard case .error(let error) = answer else { return XCTFail("a follower served a lease read: \(answer)") }
        XCTAssertEqual(error.code, .notLeader)
    }
}
