import Foundation
import KeelLinearizability
import XCTest

final class HistoryFormatTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    func testReadsTheIssueExample() throws {
        let history = try History(
            jsonLines: """
                {"process": 3, "type": "invoke", "f": "cas", "key": "k2", "value": [1, 4], "time": 123456789}
                {"process": 3, "type": "ok", "f": "cas", "key": "k2", "value": true, "time": 123456999}
                """)
        XCTAssertEqual(
            history.operations,
            [
                HistoryOperation(
                    process: 3, key: "k2", input: .cas(expected: .integer(1), new: .integer(4)), output: .flag(true),
                    outcome: .ok, callTime: 123_456_789, completionTime: 123_456_999)
            ])
    }

    func testCompletionMayOmitFunctionKeyAndValue() throws {
        let history = try History(
            jsonLines: """
                {"process": 1, "type": "invoke", "f": "write", "key": "a", "value": "x", "time": 5}
                {"process": 1, "type": "ok", "time": 6}

                {"process": 1, "type": "invoke", "f": "read", "key": "a", "value": null, "time": 7}
                {"process": 1, "type": "ok", "time": 8}
                """)
        XCTAssertEqual(history.operations.map(\.output), [.unreported, .value(nil)])
    }

    func testEveryValueShapeIsDecoded() throws {
        let history = try History(
            jsonLines: """
                {"process": 1, "type": "invoke", "f": "read", "key": "r", "value": null, "time": 1}
                {"process": 1, "type": "ok", "f": "read", "key": "r", "value": "hello", "time": 2}
                {"process": 1, "type": "invoke", "f": "write", "key": "r", "value": -12, "time": 3}
                {"process": 1, "type": "ok", "f": "write", "key": "r", "value": null, "time": 4}
                {"process": 1, "type": "invoke", "f": "cas", "key": "r", "value": [null, "a"], "time": 5}
                {"process": 1, "type": "ok", "f": "cas", "key": "r", "value": false, "time": 6}
                {"process": 1, "type": "invoke", "f": "incr", "key": "c", "value": -3, "time": 7}
                {"process": 1, "type": "ok", "f": "incr", "key": "c", "value": -3, "time": 8}
                {"process": 1, "type": "invoke", "f": "zadd", "key": "s", "value": ["m", 1.5], "time": 9}
                {"process": 1, "type": "ok", "f": "zadd", "key": "s", "value": true, "time": 10}
                {"process": 1, "type": "invoke", "f": "zrem", "key": "s", "value": "m", "time": 11}
                {"process": 1, "type": "fail", "f": "zrem", "key": "s", "value": null, "time": 12}
                {"process": 1, "type": "invoke", "f": "zrange", "key": "s", "value": [2, 5], "time": 13}
                {"process": 1, "type": "ok", "f": "zrange", "key": "s", "value": [["m", 1.5], ["n", 2]], "time": 14}
                {"process": 1, "type": "invoke", "f": "zrange", "key": "s", "value": [0, 1, "desc"], "time": 15}
                {"process": 1, "type": "info", "f": "zrange", "key": "s", "value": null, "time": 16}
                {"process": 2, "type": "invoke", "f": "read", "key": "s", "value": null, "time": 17}
                {"process": 2, "type": "ok", "f": "read", "key": "s", "value": [["m", 1e300]], "time": 18}
                {"process": 3, "type": "invoke", "f": "write", "key": "r", "value": 9, "time": 19}
                """)
        let ops = history.operations
        XCTAssertEqual(
            ops.map(\.input),
            [
                .read, .write(.integer(-12)), .cas(expected: nil, new: .string("a")), .incr(delta: -3),
                .zadd(member: "m", score: 1.5), .zrem(member: "m"), .zrange(.page(offset: 2, limit: 5, descending: false)),
                .zrange(.page(offset: 0, limit: 1, descending: true)), .read, .write(.integer(9)),
            ])
        XCTAssertEqual(
            ops.map(\.output),
            [
                .value(.string("hello")), .unreported, .flag(false), .value(.integer(-3)), .flag(true), nil,
                .members([ScoredMember(member: "m", score: 1.5), ScoredMember(member: "n", score: 2)]), nil,
                .members([ScoredMember(member: "m", score: 1e300)]), nil,
            ])
        XCTAssertEqual(ops.map(\.outcome), [.ok, .ok, .ok, .ok, .ok, .fail, .ok, .info, .ok, .info])
        XCTAssertNil(ops.last?.completionTime, "an invocation never completed is info with no completion time")
        XCTAssertNil(ops.last?.returnTime)
        XCTAssertEqual(ops[7].completionTime, 16)
        XCTAssertNil(ops[7].returnTime, "an info operation returns at the end of time")
    }

    func testMalformedLinesAreTypedErrorsWithTheLineNumber() {
        let invoke = #"{"process": 1, "type": "invoke", "f": "write", "key": "a", "value": 1, "time": 10}"#
        let cases: [(String, HistoryFormatError)] = [
            ("not json", HistoryFormatError(line: 1, reason: .invalidJSON(""))),
            (#"{"process": 1, "type": "invoke", "f": "put", "key": "a", "time": 1}"#,
             HistoryFormatError(line: 1, reason: .unknownFunction("put"))),
            (#"{"process": 1, "type": "invoke", "key": "a", "time": 1}"#, HistoryFormatError(line: 1, reason: .missingField("f"))),
            (#"{"process": 1, "type": "invoke", "f": "read", "time": 1}"#, HistoryFormatError(line: 1, reason: .missingField("key"))),
            (invoke + "\n" + #"{"process": 1, "type": "done", "time": 11}"#,
             HistoryFormatError(line: 2, reason: .unknownType("done"))),
            (#"{"process": 1, "type": "ok", "time": 11}"#,
             HistoryFormatError(line: 1, reason: .completionWithoutInvocation(process: 1))),
            (invoke + "\n" + invoke, HistoryFormatError(line: 2, reason: .invocationWhileOutstanding(process: 1, since: 1))),
            (invoke + "\n" + #"{"process": 1, "type": "ok", "f": "read", "time": 11}"#,
             HistoryFormatError(line: 2, reason: .completionMismatch(process: 1, ""))),
            (invoke + "\n" + #"{"process": 1, "type": "ok", "key": "b", "time": 11}"#,
             HistoryFormatError(line: 2, reason: .completionMismatch(process: 1, ""))),
            (invoke + "\n" + #"{"process": 1, "type": "ok", "time": 9}"#,
             HistoryFormatError(line: 2, reason: .completionBeforeInvocation(process: 1))),
            (#"{"process": 1, "type": "invoke", "f": "cas", "key": "a", "value": [1], "time": 1}"#,
             HistoryFormatError(line: 1, reason: .invalidValue(.cas, ""))),
            (#"{"process": 1, "type": "invoke", "f": "write", "key": "a", "value": 1.5, "time": 1}"#,
             HistoryFormatError(line: 1, reason: .invalidValue(.write, ""))),
            (#"{"process": 1, "type": "invoke", "f": "zrange", "key": "a", "value": [0, -1], "time": 1}"#,
             HistoryFormatError(line: 1, reason: .invalidValue(.zrange, ""))),
            (#"{"process": 1, "type": "invoke", "f": "incr", "key": "a", "value": "1", "time": 1}"#,
             HistoryFormatError(line: 1, reason: .invalidValue(.incr, ""))),
            ("\n\n" + #"{"process": 1, "type": "invoke", "f": "zadd", "key": "a", "value": ["m", "x"], "time": 1}"#,
             HistoryFormatError(line: 3, reason: .invalidValue(.zadd, ""))),
            (#"{"process": 1, "type": "invoke", "f": "incr", "key": "a", "value": 1, "time": 1}"#
                + "\n" + #"{"process": 1, "type": "ok", "value": "seven", "time": 2}"#,
             HistoryFormatError(line: 2, reason: .invalidValue(.incr, ""))),
            (#"{"process": 1, "type": "invoke", "f": "read", "key": "a", "value": null, "time": "soon"}"#,
             HistoryFormatError(line: 1, reason: .invalidJSON(""))),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try History(jsonLines: text), text) { error in
                guard let error = error as? HistoryFormatError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.line, expected.line, text)
                XCTAssertEqual(Self.kind(error.reason), Self.kind(expected.reason), "\(text): \(error)")
                XCTAssertTrue(error.description.hasPrefix("line \(expected.line!):"), error.description)
            }
        }
    }

    /// The case of a reason without its free-text detail, so tests compare what matters.
    private static func kind(_ reason: HistoryFormatError.Reason) -> String {
        switch reason {
        case .invalidJSON: "invalidJSON"
        case .invalidValue(let function, _): "invalidValue(\(function))"
        case .completionMismatch(let process, _): "completionMismatch(\(process))"
        default: "\(reason)"
        }
    }

    func testWritingThenReadingGivesTheSameHistoryAndText() throws {
        var generator = RandomHistoryGenerator(seed: 7)
        let history = generator.history(keys: [("r", .register), ("c", .counter), ("s", .sortedSet)], processesPerKey: 4, operationsPerKey: 300)
        XCTAssertTrue(history.operations.contains { $0.outcome == .info })
        XCTAssertTrue(history.operations.contains { $0.outcome == .fail })
        let text = try history.jsonLines()
        let reread = try History(jsonLines: text)
        XCTAssertEqual(Self.canonical(reread), Self.canonical(history))
        XCTAssertEqual(try reread.jsonLines(), text)

        let url = directory.appendingPathComponent("history.jsonl")
        try history.write(to: url)
        XCTAssertEqual(Self.canonical(try History(contentsOf: url)), Self.canonical(history))
    }

    func testWrittenLinesFollowTheIssueLayoutAndTimeOrder() throws {
        let history = History(operations: [
            HistoryOperation(
                process: 3, key: "k2", input: .cas(expected: .integer(1), new: .integer(4)), output: .flag(true), outcome: .ok,
                callTime: 123_456_789, completionTime: 123_456_999),
            HistoryOperation(
                process: 1, key: "say \"hi\"\n", input: .zadd(member: "m", score: 2), outcome: .info, callTime: 123_456_800,
                completionTime: nil),
        ])
        XCTAssertEqual(
            try history.jsonLines(),
            """
            {"process": 3, "type": "invoke", "f": "cas", "key": "k2", "value": [1, 4], "time": 123456789}
            {"process": 1, "type": "invoke", "f": "zadd", "key": "say \\"hi\\"\\n", "value": ["m", 2.0], "time": 123456800}
            {"process": 3, "type": "ok", "f": "cas", "key": "k2", "value": true, "time": 123456999}

            """)
    }

    func testWritingRefusesWhatTheFormatCannotHold() {
        let infinite = History(operations: [
            HistoryOperation(process: 1, key: "s", input: .zadd(member: "m", score: .infinity), outcome: .ok, callTime: 1, completionTime: 2)
        ])
        XCTAssertThrowsError(try infinite.jsonLines()) { error in
            XCTAssertEqual((error as? HistoryFormatError)?.reason, .nonFiniteNumber)
        }
        let overlapping = History(operations: [
            HistoryOperation(process: 1, key: "a", input: .read, outcome: .ok, callTime: 1, completionTime: 5),
            HistoryOperation(process: 1, key: "b", input: .read, outcome: .ok, callTime: 3, completionTime: 6),
        ])
        XCTAssertThrowsError(try overlapping.jsonLines()) { error in
            XCTAssertEqual((error as? HistoryFormatError)?.reason, .overlappingOperations(process: 1))
        }
    }

    /// Operations sorted by call time then process: the order does not matter to the format.
    private static func canonical(_ history: History) -> [HistoryOperation] {
        history.operations.sorted { ($0.callTime, $0.process) < ($1.callTime, $1.process) }
    }
}
