import KeelClient
import KeelWire
import Synchronization
import XCTest

/// The sorted-set calls against a fake node with scripted answers: what each call sends, what
/// it returns, and that its writes are stamped and retried like key-value writes.
final class KeelClientSortedSetTests: KeelClientTestCase {
    private static let page = SortedSetPage(
        members: [SortedSetMember(member: [3], score: 30), SortedSetMember(member: [2], score: 20)],
        nextCursor: SortedSetCursor(score: 20, member: [2]),
        appliedIndex: 11
    )

    /// Answers every sorted-set request as a node would, with recognisable values.
    private static func answer(_ request: ClientRequest) -> FakeKeelNode.Reaction {
        guard case .sortedSet(let operation) = request.operation else {
            return .serve
        }
        switch operation {
        case .add, .addToMany, .remove, .removeFromMany, .delete, .trim, .removeByScore, .addEntries, .addEntryToMany,
            .removeEntries, .removeEntryFromMany:
            return .answer(.sortedSet(.changes(SortedSetChanges(added: 5, updated: 1, removed: 2, appliedIndex: 10))))
        case .score(_, let member, _):
            return .answer(.sortedSet(.score(member == [0] ? nil : 2.5, appliedIndex: 11)))
        case .count:
            return .answer(.sortedSet(.count(7, appliedIndex: 11)))
        case .range, .mergedRange:
            return .answer(.sortedSet(.page(Self.page)))
        }
    }

    func testEveryCallSendsItsOperationAndReturnsTheAnswer() async throws {
        let node = try await self.startNode()
        node.script(Self.answer)
        let client = self.makeClient(endpoints: [node.endpoint])
        let set = Array("timeline:1".utf8)
        let sets = [Array("a".utf8), Array("b".utf8)]
        let expectedChanges = SortedSetChanges(added: 5, updated: 1, removed: 2, appliedIndex: 10)

        let observed1 = try await client.zadd(set, members: [SortedSetMember(member: [1], score: 1)], mode: .onlyIfAbsent, maxLength: 50)
        XCTAssertEqual(observed1, expectedChanges)
        try await client.zadd(set, member: [2], score: 2)
        try await client.zaddToMany(sets, member: [3], score: 3, mode: .onlyIfGreater, maxLength: 3_600)
        try await client.zrem(set, members: [[1], [2]])
        try await client.zremFromMany(sets, member: [3])
        try await client.zdelete(set)
        try await client.ztrim(set, maxLength: 9)
        try await client.zremRangeByScore(set, minimum: -.infinity, maximum: 4)
        try await client.zaddEntries(set, [SortedSetMember(member: [4], score: 4)], maxLength: 8)
        try await client.zaddEntryToMany(sets, member: [5], score: 5)
        try await client.zremEntries(set, [SortedSetMember(member: [4], score: 4)])
        let observed7 = try await client.zremEntryFromMany(sets, member: [5], score: 5)
        XCTAssertEqual(observed7, expectedChanges)
        let observed2 = try await client.zscore(set, member: [1], consistency: .stale)
        XCTAssertEqual(observed2, 2.5)
        let observed3 = try await client.zscore(set, member: [0])
        XCTAssertNil(observed3)
        let observed4 = try await client.zcount(set, consistency: .lease)
        XCTAssertEqual(observed4, 7)
        let observed5 = try await client.zrange(set, order: .oldestFirst, from: .after(SortedSetCursor(score: 1, member: [9])), limit: 30)
        XCTAssertEqual(observed5, Self.page)
        let observed6 = try await client.zmerged(sets, from: .score(100), limit: 20, consistency: .stale)
        XCTAssertEqual(observed6, Self.page)

        let sent = node.received.compactMap { request -> SortedSetOperation? in
            guard case .sortedSet(let operation) = request.operation else { return nil }
            return operation
        }
        XCTAssertEqual(sent, [
            .add(set: set, members: [SortedSetMember(member: [1], score: 1)], mode: .onlyIfAbsent, maxLength: 50),
            .add(set: set, members: [SortedSetMember(member: [2], score: 2)], mode: .upsert, maxLength: nil),
            .addToMany(sets: sets, member: [3], score: 3, mode: .onlyIfGreater, maxLength: 3_600),
            .remove(set: set, members: [[1], [2]]),
            .removeFromMany(sets: sets, member: [3]),
            .delete(set: set),
            .trim(set: set, maxLength: 9),
            .removeByScore(set: set, minimum: -.infinity, maximum: 4),
            .addEntries(set: set, entries: [SortedSetMember(member: [4], score: 4)], maxLength: 8),
            .addEntryToMany(sets: sets, entry: SortedSetMember(member: [5], score: 5), maxLength: nil),
            .removeEntries(set: set, entries: [SortedSetMember(member: [4], score: 4)]),
            .removeEntryFromMany(sets: sets, entry: SortedSetMember(member: [5], score: 5)),
            .score(set: set, member: [1], consistency: .stale),
            .score(set: set, member: [0], consistency: .linearizable),
            .count(set: set, consistency: .lease),
            .range(set: set, order: .oldestFirst, start: .after(SortedSetCursor(score: 1, member: [9])), limit: 30,
                   consistency: .linearizable),
            .mergedRange(sets: sets, order: .newestFirst, start: .score(100), limit: 20, consistency: .stale),
        ])
    }

    func testWritesCarryIncreasingSequencesAndReadsNone() async throws {
        let node = try await self.startNode()
        node.script(Self.answer)
        let client = self.makeClient(endpoints: [node.endpoint])
        try await client.zadd([1], member: [1], score: 1)
        _ = try await client.zrange([1], limit: 1)
        try await client.zaddToMany([[1], [2]], member: [1], score: 1)
        try await client.zdelete([1])

        let sessions = node.received.map(\.session)
        XCTAssertEqual(sessions.map { $0?.sequence }, [1, nil, 2, 3])
        XCTAssertEqual(Set(sessions.compactMap { $0?.clientID }).count, 1, "one caller after another reuses one session")
    }

    func testAFanoutWhoseAnswerIsLostIsRetriedWithTheSameStamp() async throws {
        let node = try await self.startNode()
        let attempts = Atomic<Int>(0)
        node.script { request in
            if request.operation.isWrite && attempts.add(1, ordering: .relaxed).newValue == 1 {
                return .closeConnection
            }
            return Self.answer(request)
        }
        let client = self.makeClient(endpoints: [node.endpoint])
        let sets = (0..<5_000).map { Array("timeline:\($0)".utf8) }

        let changes = try await client.zaddToMany(sets, member: [7], score: 7, maxLength: 100)
        XCTAssertEqual(changes.appliedIndex, 10)
        let writes = node.received.filter(\.operation.isWrite)
        XCTAssertEqual(writes.count, 2)
        XCTAssertNotNil(writes[0].session)
        XCTAssertEqual(writes[0].session, writes[1].session, "the retry is the same write")
        XCTAssertEqual(writes[0].operation, writes[1].operation)
    }

    func testAWriteAcknowledgedAtCommitReturnsThenGetsItsResultThroughARetry() async throws {
        let node = try await self.startNode()
        let attempts = Atomic<Int>(0)
        node.script { request in
            if request.operation.isWrite && attempts.add(1, ordering: .relaxed).newValue == 1 {
                return .commitThenClose(index: 9)
            }
            return Self.answer(request)
        }
        let client = self.makeClient(endpoints: [node.endpoint])

        let write = try await client.zaddEntryToManyCommitted([[1], [2]], member: [7], score: 7)
        XCTAssertEqual(write.index, 9)
        let changes = try await write.result()
        XCTAssertEqual(changes.appliedIndex, 10, "the final answer came to the retry")
        let writes = node.received.filter(\.operation.isWrite)
        XCTAssertEqual(writes.count, 2)
        XCTAssertTrue(writes.allSatisfy(\.acknowledgeCommit))
        XCTAssertEqual(writes[0].session, writes[1].session, "the retry is the same write")
    }

    func testAWriteAcknowledgedAtCommitToANodeThatOnlyAnswersFinallyReturnsItsResult() async throws {
        let node = try await self.startNode()
        node.script { Self.answer($0) }
        let client = self.makeClient(endpoints: [node.endpoint])

        let write = try await client.zaddEntryToManyCommitted([[1]], member: [7], score: 7)
        XCTAssertNil(write.index, "no announcement came")
        let changes = try await write.result()
        XCTAssertEqual(changes.appliedIndex, 10)
        let memberKeyed = try await client.zaddToManyCommitted([[2], [3]], member: [8], score: 8, mode: .onlyIfAbsent, maxLength: 5)
        let memberKeyedChanges = try await memberKeyed.result()
        XCTAssertEqual(memberKeyedChanges.appliedIndex, 10)
        XCTAssertEqual(
            node.received.map(\.operation),
            [
                .sortedSet(.addEntryToMany(sets: [[1]], entry: SortedSetMember(member: [7], score: 7), maxLength: nil)),
                .sortedSet(.addToMany(sets: [[2], [3]], member: [8], score: 8, mode: .onlyIfAbsent, maxLength: 5)),
            ]
        )
        XCTAssertTrue(node.received.allSatisfy(\.acknowledgeCommit))

        node.script { _ in .answer(.error(ErrorReply(code: .invalidArgument, message: "a score is NaN"))) }
        let error = await self.keelError { try await client.zaddEntryToManyCommitted([[1]], member: [7], score: .nan) }
        XCTAssertEqual(error, .invalidArgument(message: "a score is NaN"), "a failure before any commit is thrown by the call")
    }

    func testInvalidArgumentIsThrownAtOnceWithTheNodesMessage() async throws {
        let node = try await self.startNode()
        node.script { _ in .answer(.error(ErrorReply(code: .invalidArgument, message: "a score is NaN"))) }
        let client = self.makeClient(endpoints: [node.endpoint])

        let writeError = await self.keelError { try await client.zadd([1], member: [1], score: .nan) }
        XCTAssertEqual(writeError, .invalidArgument(message: "a score is NaN"))
        XCTAssertEqual(writeError?.outcomeIsUnknown, false)
        let readError = await self.keelError { try await client.zrange([1], limit: 0) }
        XCTAssertEqual(readError, .invalidArgument(message: "a score is NaN"))
        XCTAssertEqual(node.received.count, 2, "neither call was retried")
    }

    func testAResultOfAnotherKindIsAnUnexpectedResponse() async throws {
        let node = try await self.startNode()
        node.script { _ in .answer(.sortedSet(.count(1, appliedIndex: 1))) }
        let client = self.makeClient(endpoints: [node.endpoint])

        let error = await self.keelError { try await client.zrange([1], limit: 1) }
        guard case .unexpectedResponse = error else {
            return XCTFail("expected unexpectedResponse, got \(String(describing: error))")
        }
        let writeError = await self.keelError { try await client.zdelete([1]) }
        XCTAssertEqual(writeError?.outcomeIsUnknown, true)
    }
}
