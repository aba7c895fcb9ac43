@testable import KeelWire

/// Messages covering every case and edge value, shared by the round-trip and hostile-input
/// tests.
enum MessageSamples {
    static let unicode = "クラスター-🚀-Ünïcødé-ключ"
    static let largeValue: [UInt8] = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

    static let hellos: [Hello] = [
        Hello(clusterID: "keel-prod", nodeID: 0, softwareVersion: "0.1.0"),
        Hello(clusterID: "", nodeID: 0, softwareVersion: ""),
        Hello(clusterID: unicode, nodeID: .max, softwareVersion: String(repeating: "v", count: 10_000)),
    ]

    static let helloAcks: [HelloAck] = [
        HelloAck(clusterID: "keel-prod", nodeID: 1),
        HelloAck(clusterID: "", nodeID: 0),
        HelloAck(clusterID: unicode, nodeID: .max),
    ]

    static let errorReplies: [ErrorReply] =
        [
            ErrorCode.unspecified, .invalidArgument, .notLeader, .unavailable, .timeout, .tooLarge,
            .unknownCommand, .wrongCluster, .unsupportedVersion, .conditionFailed, .overloaded, .internal,
        ].map { ErrorReply(code: $0, message: "failed: \($0)") }
        + [
            ErrorReply(code: .notLeader, message: unicode, leaderID: .max, leaderAddress: "127.0.0.1:7102"),
            ErrorReply(code: ErrorCode(rawValue: 4242), message: "from a newer node"),
            ErrorReply(code: ErrorCode(rawValue: -3)),
            ErrorReply(code: .unspecified),
        ]

    static let helloReplies: [HelloReply] =
        helloAcks.map { .accepted($0) } + errorReplies.map { .rejected($0) }

    static let writes: [WriteOperation] = [
        .put(key: Array("user:1".utf8), value: Array("alice".utf8)),
        .put(key: [], value: []),
        .put(key: [0, 255, 0], value: largeValue),
        .delete(key: Array("user:1".utf8)),
        .delete(key: []),
        .compareAndSet(key: [1], expected: [2], newValue: [3]),
        .compareAndSet(key: [1], expected: nil, newValue: [3]),
        .compareAndSet(key: [1], expected: [2], newValue: nil),
        .compareAndSet(key: [1], expected: nil, newValue: nil),
        .compareAndSet(key: [1], expected: [], newValue: []),
        .increment(key: Array("counter".utf8), delta: 1),
        .increment(key: [], delta: .min),
        .increment(key: [9], delta: .max),
        .increment(key: [9], delta: 0),
    ]

    static let operations: [ClientOperation] =
        Consistency.allCases.map { .get(key: Array(unicode.utf8), consistency: $0) }
        + [.get(key: [], consistency: .linearizable)]
        + writes.map { .write($0) }
        + [
            .batch([]),
            .batch(writes),
            .batch([.increment(key: [1], delta: -5)]),
            .scan(prefix: Array("feed:".utf8), startAfter: nil, limit: 100, consistency: .linearizable),
            .scan(prefix: [], startAfter: [], limit: 0, consistency: .stale),
            .scan(prefix: [7], startAfter: [7, 8], limit: .max, consistency: .lease),
            .unknown,
        ]

    static let requests: [ClientRequest] = operations.enumerated().map { index, operation in
        ClientRequest(
            id: index.isMultiple(of: 2) ? UInt64(index) : .max - UInt64(index),
            timeoutMilliseconds: index.isMultiple(of: 3) ? 0 : UInt64(index) * 1000,
            session: operation.isWrite ? WriteSession(clientID: .max, sequence: UInt64(index)) : nil,
            operation: operation
        )
    } + [
        ClientRequest(id: 0, operation: .unknown),
        ClientRequest(id: .max, timeoutMilliseconds: .max, session: WriteSession(clientID: 0, sequence: 0),
                      operation: .write(.put(key: [1], value: [2]))),
    ]

    static let results: [ClientResult] =
        errorReplies.map { .error($0) }
        + [
            .get(value: nil, appliedIndex: 0),
            .get(value: [], appliedIndex: 1),
            .get(value: largeValue, appliedIndex: .max),
            .put(appliedIndex: 7),
            .delete(appliedIndex: .max),
            .compareAndSet(appliedIndex: 3),
            .increment(value: .min, appliedIndex: 1),
            .increment(value: .max, appliedIndex: 2),
            .increment(value: -1, appliedIndex: 3),
            .batch(incrementValues: [], appliedIndex: 4),
            .batch(incrementValues: [0, -1, .max, .min, 42], appliedIndex: 5),
            .scan(entries: [], more: false, appliedIndex: 0),
            .scan(
                entries: [
                    KeyValue(key: Array("feed:1".utf8), value: []),
                    KeyValue(key: [], value: [0]),
                    KeyValue(key: Array(unicode.utf8), value: largeValue),
                ],
                more: true,
                appliedIndex: .max
            ),
            .unknown,
        ]

    static let responses: [ClientResponse] = results.enumerated().map { index, result in
        ClientResponse(id: index.isMultiple(of: 2) ? UInt64(index) : .max - UInt64(index), result: result)
    }
}
