import KeelLinearizability
import XCTest

final class ModelTests: XCTestCase {
    private func ok(_ input: OperationInput, _ output: OperationOutput = .unreported) -> HistoryOperation {
        HistoryOperation(process: 1, key: "k", input: input, output: output, outcome: .ok, callTime: 0, completionTime: 1)
    }

    private func unknown(_ input: OperationInput) -> HistoryOperation {
        HistoryOperation(process: 1, key: "k", input: input, outcome: .info, callTime: 0, completionTime: nil)
    }

    func testRegister() {
        let model = RegisterModel()
        XCTAssertNil(model.initialState)
        XCTAssertTrue(model.step(nil, ok(.read, .value(nil))).ok)
        XCTAssertFalse(model.step(nil, ok(.read, .value(.integer(0)))).ok)
        XCTAssertTrue(model.step(.string("a"), ok(.read, .value(.string("a")))).ok)
        XCTAssertFalse(model.step(.string("a"), ok(.read, .value(.integer(1)))).ok)
        XCTAssertEqual(model.step(.integer(1), ok(.write(.integer(2)))).newState, .integer(2))

        let cas = OperationInput.cas(expected: .integer(1), new: .integer(2))
        XCTAssertEqual(model.step(.integer(1), ok(cas, .flag(true))).ok, true)
        XCTAssertEqual(model.step(.integer(1), ok(cas, .flag(true))).newState, .integer(2))
        XCTAssertEqual(model.step(.integer(1), ok(cas)).newState, .integer(2))
        XCTAssertFalse(model.step(.integer(3), ok(cas, .flag(true))).ok)
        XCTAssertEqual(model.step(.integer(3), ok(cas)).ok, true, "a cas that did not say whether it swapped")
        XCTAssertEqual(model.step(.integer(3), ok(cas)).newState, .integer(3))
        XCTAssertFalse(model.step(.integer(1), ok(cas, .flag(false))).ok, "a cas that matched cannot report no swap")
        XCTAssertTrue(model.step(.integer(3), ok(cas, .flag(false))).ok)
        XCTAssertEqual(model.step(.integer(3), ok(cas, .flag(false))).newState, .integer(3))
        XCTAssertTrue(model.step(nil, ok(.cas(expected: nil, new: .integer(5)), .flag(true))).ok)

        XCTAssertEqual(model.step(.integer(1), unknown(cas)).newState, .integer(2))
        XCTAssertEqual(model.step(.integer(3), unknown(cas)).newState, .integer(3))
        XCTAssertTrue(model.step(.integer(1), unknown(.read)).ok)
        XCTAssertFalse(model.step(nil, ok(.incr(delta: 1), .value(.integer(1)))).ok, "not a register operation")
    }

    func testCounter() {
        let model = CounterModel()
        XCTAssertTrue(model.step(nil, ok(.read, .value(nil))).ok)
        XCTAssertFalse(model.step(nil, ok(.read, .value(.integer(0)))).ok)
        XCTAssertEqual(model.step(nil, ok(.incr(delta: 3), .value(.integer(3)))).newState, 3)
        XCTAssertFalse(model.step(2, ok(.incr(delta: 3), .value(.integer(3)))).ok)
        XCTAssertTrue(model.step(2, ok(.incr(delta: -3), .value(.integer(-1)))).ok)
        XCTAssertEqual(model.step(2, unknown(.incr(delta: 3))).newState, 5)
        XCTAssertFalse(model.step(.max, ok(.incr(delta: 1))).ok, "an increment past Int64.max cannot succeed")
        XCTAssertFalse(model.step(1, ok(.read, .value(.string("1")))).ok)
        XCTAssertFalse(model.step(1, ok(.write(.integer(1)))).ok)
    }

    func testSortedSet() {
        let model = SortedSetModel()
        let a = ScoredMember(member: "a", score: 2)
        let b = ScoredMember(member: "b", score: 2)
        let c = ScoredMember(member: "c", score: -1)
        var state = model.initialState
        for (member, added) in [(a, true), (c, true), (b, true)] {
            let step = model.step(state, ok(.zadd(member: member.member, score: member.score), .flag(added)))
            XCTAssertTrue(step.ok)
            state = step.newState
        }
        XCTAssertEqual(state, [c, a, b], "by score, then by member bytes")
        XCTAssertFalse(model.step(state, ok(.zadd(member: "a", score: 5), .flag(true))).ok, "a was already there")
        let moved = model.step(state, ok(.zadd(member: "c", score: 9), .flag(false)))
        XCTAssertTrue(moved.ok)
        XCTAssertEqual(moved.newState, [a, b, ScoredMember(member: "c", score: 9)])

        XCTAssertTrue(model.step(state, ok(.read, .members([c, a, b]))).ok)
        XCTAssertFalse(model.step(state, ok(.read, .members([a, b]))).ok)
        XCTAssertFalse(model.step(state, ok(.zrange(.all), .members([c, b, a]))).ok, "order matters")
        XCTAssertTrue(model.step(state, ok(.zrange(.page(offset: 1, limit: 5, descending: false)), .members([a, b]))).ok)
        XCTAssertTrue(model.step(state, ok(.zrange(.page(offset: 0, limit: 2, descending: true)), .members([b, a]))).ok)
        XCTAssertTrue(model.step(state, ok(.zrange(.page(offset: 3, limit: 2, descending: true)), .members([]))).ok)
        XCTAssertTrue(model.step([], ok(.read, .value(nil))).ok, "an absent set reads as null")
        XCTAssertFalse(model.step(state, ok(.read, .value(nil))).ok)

        XCTAssertEqual(model.step(state, ok(.zrem(member: "a"), .flag(true))).newState, [c, b])
        XCTAssertFalse(model.step(state, ok(.zrem(member: "z"), .flag(true))).ok)
        XCTAssertTrue(model.step(state, ok(.zrem(member: "z"), .flag(false))).ok)
        XCTAssertEqual(model.step(state, unknown(.zrem(member: "a"))).newState, [c, b])
    }

    func testEntrySet() {
        let model = EntrySetModel()
        let a1 = ScoredMember(member: "a", score: 1)
        let a2 = ScoredMember(member: "a", score: 2)
        let b1 = ScoredMember(member: "b", score: 1)
        var state = model.initialState
        for (entry, added) in [(a2, true), (b1, true), (a1, true), (a2, false)] {
            let step = model.step(state, ok(.eadd(member: entry.member, score: entry.score), .flag(added)))
            XCTAssertTrue(step.ok, "\(entry)")
            state = step.newState
        }
        XCTAssertEqual(state, [a1, b1, a2], "one member with two scores is two entries")
        XCTAssertFalse(model.step(state, ok(.eadd(member: "a", score: 1), .flag(true))).ok, "a:1 was already there")
        XCTAssertTrue(model.step(state, ok(.zrange(.all), .members([a1, b1, a2]))).ok)
        XCTAssertTrue(model.step(state, ok(.zrange(.page(offset: 0, limit: 1, descending: true)), .members([a2]))).ok)
        XCTAssertFalse(model.step(state, ok(.read, .members([a1, b1]))).ok)

        XCTAssertEqual(model.step(state, ok(.erem(member: "a", score: 1), .flag(true))).newState, [b1, a2])
        XCTAssertFalse(model.step(state, ok(.erem(member: "a", score: 3), .flag(true))).ok, "a:3 is not there")
        XCTAssertTrue(model.step(state, ok(.erem(member: "a", score: 3), .flag(false))).ok)
        XCTAssertEqual(model.step(state, unknown(.erem(member: "a", score: 2))).newState, [a1, b1])
        XCTAssertFalse(model.step(state, ok(.zadd(member: "a", score: 1))).ok, "member-keyed writes are not entry-set operations")
    }

    func testInference() {
        func ops(_ inputs: [OperationInput], output: OperationOutput = .unreported) -> [HistoryOperation] {
            inputs.map { HistoryOperation(process: 1, key: "k", input: $0, output: output, outcome: .ok, callTime: 0, completionTime: 1) }
        }
        XCTAssertEqual(ModelKind.infer(from: ops([.read])), .register)
        XCTAssertEqual(ModelKind.infer(from: ops([.read, .cas(expected: nil, new: .integer(1))])), .register)
        XCTAssertEqual(ModelKind.infer(from: ops([.read, .incr(delta: 1)])), .counter)
        XCTAssertEqual(ModelKind.infer(from: ops([.read, .zrem(member: "m")])), .sortedSet)
        XCTAssertEqual(ModelKind.infer(from: ops([.read], output: .members([]))), .sortedSet)
        XCTAssertNil(ModelKind.infer(from: ops([.write(.integer(1)), .incr(delta: 1)])))
        XCTAssertEqual(ModelKind.infer(from: ops([.eadd(member: "m", score: 1), .zrange(.all)])), .entrySet)
        XCTAssertEqual(ModelKind.infer(from: ops([.erem(member: "m", score: 1)] + ops([.read], output: .members([])).map(\.input))), .entrySet)
        XCTAssertNil(ModelKind.infer(from: ops([.eadd(member: "m", score: 1), .zadd(member: "m", score: 1)])))
    }
}
