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
        Hello(clusterID: "c", nodeID: 2, softwareVersion: "0.1.0", peerAddress: "127.0.0.1:7202",
              clientAddress: "127.0.0.1:7102"),
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
            .getMany(keys: [], consistency: .linearizable),
            .getMany(keys: [[], Array(unicode.utf8), [1], [1], largeValue], consistency: .stale),
            .getMany(keys: (0..<1_000).map { Array("feed:activity:\($0)".utf8) }, consistency: .lease),
            .unknown,
        ] + adminOperations.map { .admin($0) }
        + sortedSetOperations.map { .sortedSet($0) }

    /// Scores at the edges of a double, NaN included: the wire carries them unchanged and
    /// leaves judging them to the node. (-0.0 is not here: protobuf-c omits a zero double of
    /// either sign, so it arrives as +0.0; SortedSetWireTests checks that.)
    static let edgeScores: [Double] = [
        0, 1.5, -1e300, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
        Double(bitPattern: 0x7FF8_0000_0000_0001),
    ]

    static let sortedSetOperations: [SortedSetOperation] =
        SortedSetAddMode.allCases.map { mode in
            .add(set: Array("timeline:1".utf8), members: [SortedSetMember(member: [1], score: 2)], mode: mode, maxLength: nil)
        }
        + [
            .add(set: [], members: [], mode: .upsert, maxLength: 0),
            .add(
                set: Array(unicode.utf8),
                members: edgeScores.enumerated().map { SortedSetMember(member: [UInt8($0.offset)], score: $0.element) }
                    + [SortedSetMember(member: [], score: 3), SortedSetMember(member: largeValue, score: 4)],
                mode: .onlyIfGreater, maxLength: .max
            ),
            .addToMany(sets: (0..<5_000).map { Array("timeline:\($0)".utf8) }, member: Array("post:9".utf8),
                       score: 1_700_000_000_123, mode: .upsert, maxLength: 3_600),
            .addToMany(sets: [], member: [], score: .nan, mode: .onlyIfAbsent, maxLength: nil),
            .addToMany(sets: [[], [0]], member: [1], score: -5e-324, mode: .onlyIfGreater, maxLength: 1),
            .remove(set: [1], members: [[2], [], largeValue]),
            .remove(set: [], members: []),
            .removeFromMany(sets: [[1], [2], []], member: [3]),
            .removeFromMany(sets: [], member: []),
            .delete(set: Array("timeline:1".utf8)),
            .delete(set: []),
            .trim(set: [1], maxLength: 0),
            .trim(set: [1], maxLength: .max),
            .removeByScore(set: [1], minimum: -.infinity, maximum: .infinity),
            .removeByScore(set: [], minimum: .nan, maximum: -2.5),
            .addEntries(set: Array("timeline:1".utf8), entries: [SortedSetMember(member: [1], score: 2), SortedSetMember(member: [], score: -0.5)], maxLength: 3_600),
            .addEntries(set: [], entries: [], maxLength: nil),
            .addEntryToMany(sets: (0..<2_000).map { Array("timeline:\($0)".utf8) }, entry: SortedSetMember(member: Array("post:9".utf8), score: 1_700_000_000_123), maxLength: 3_600),
            .addEntryToMany(sets: [], entry: SortedSetMember(member: [], score: .infinity), maxLength: nil),
            .removeEntries(set: [1], entries: [SortedSetMember(member: largeValue, score: 1)]),
            .removeEntryFromMany(sets: [[1], []], entry: SortedSetMember(member: [3], score: -.infinity)),
        ]
        + edgeScores.map { .removeByScore(set: [7], minimum: $0, maximum: 0) }
        + Consistency.allCases.flatMap { consistency -> [SortedSetOperation] in
            [
                .score(set: [1], member: [2], consistency: consistency),
                .count(set: Array(unicode.utf8), consistency: consistency),
                .range(set: [1], order: .newestFirst, start: .beginning, limit: 30, consistency: consistency),
                .mergedRange(sets: [[1], [2]], order: .oldestFirst, start: .beginning, limit: 30, consistency: consistency),
            ]
        }
        + SortedSetOrder.allCases.flatMap { order -> [SortedSetOperation] in
            [
                .range(set: [1], order: order, start: .after(SortedSetCursor(score: 12.5, member: [9])), limit: 1,
                       consistency: .stale),
                .range(set: [1], order: order, start: .after(SortedSetCursor(score: -1, member: [])), limit: .max,
                       consistency: .lease),
                .range(set: [1], order: order, start: .score(.infinity), limit: 0, consistency: .linearizable),
                .range(set: [1], order: order, start: .offset(0), limit: 10, consistency: .linearizable),
                .range(set: [1], order: order, start: .offset(.max), limit: 10, consistency: .linearizable),
                .mergedRange(sets: (0..<1_000).map { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] }, order: order,
                             start: .after(SortedSetCursor(score: .nan, member: largeValue)), limit: 100, consistency: .stale),
                .mergedRange(sets: [], order: order, start: .score(-1), limit: 0, consistency: .lease),
                .mergedRange(sets: [[1]], order: order, start: .offset(3), limit: 5, consistency: .linearizable),
            ]
        }
        + edgeScores.map { .range(set: [2], order: .newestFirst, start: .score($0), limit: 5, consistency: .stale) }

    static let adminOperations: [AdminOperation] = [
        .status, .members,
        .addLearner(nodeID: 4, clientAddress: "127.0.0.1:7104", peerAddress: "127.0.0.1:7204"),
        .addLearner(nodeID: .max, clientAddress: "", peerAddress: unicode),
        .promote(nodeID: 4), .remove(nodeID: 0), .transferLeadership(to: .max), .takeSnapshot,
    ]

    static let members: [ClusterMember] = [
        ClusterMember(nodeID: 1, clientAddress: "127.0.0.1:7101", peerAddress: "127.0.0.1:7201", isVoter: true),
        ClusterMember(nodeID: .max, clientAddress: "", peerAddress: "", isVoter: false),
    ]

    static let adminResults: [AdminResult] = [
        .status(NodeStatus(nodeID: 1, role: .leader, term: 7, leaderID: 1, leaderAddress: "127.0.0.1:7101",
                           commitIndex: 10, appliedIndex: 9, lastLogIndex: 11, snapshotIndex: 5,
                           followers: [FollowerProgress(nodeID: 2, matchIndex: 10, nextIndex: 11),
                                       FollowerProgress(nodeID: 3, matchIndex: 0, nextIndex: .max)],
                           isVoter: true)),
        .status(NodeStatus(nodeID: 2, role: .follower, term: 0, leaderID: 0, leaderAddress: "",
                           commitIndex: 0, appliedIndex: 0, lastLogIndex: 0, snapshotIndex: 0,
                           followers: [], isVoter: false)),
        .members(members, leaderID: 1), .members([], leaderID: 0),
        .addLearner(members: members, appliedIndex: 3), .promote(members: members, appliedIndex: 4),
        .remove(members: [], appliedIndex: .max),
        .transferLeadership(leaderID: 2, term: 9), .takeSnapshot(index: 100, term: 3),
    ]

    static let peerMessages: [PeerMessage] =
        PeerMessage.Kind.allCases.map { PeerMessage(kind: $0, from: 1, to: 2, term: 3) }
        + [
            PeerMessage(
                kind: .append, from: .max, to: 1, term: .max, logTerm: 4, index: 99,
                entries: [
                    PeerEntry(term: 4, index: 100, kind: 0, data: Array("payload".utf8)),
                    PeerEntry(term: 4, index: 101, kind: 1, data: []),
                    PeerEntry(term: 5, index: 102, kind: 2, data: largeValue),
                ],
                commit: 98, reject: true, conflictTerm: 2, conflictIndex: 50, context: .max,
                snapshot: nil, isLeadershipTransfer: true
            ),
            PeerMessage(
                kind: .snapshot, from: 1, to: 3, term: 8,
                snapshot: PeerSnapshotMetadata(index: 500, term: 7, voters: [1, 2, 3], learners: [4])
            ),
            PeerMessage(
                kind: .snapshot, from: 1, to: 3, term: 8,
                snapshot: PeerSnapshotMetadata(index: 0, term: 0, voters: [], learners: [])
            ),
        ]

    static let peerFrames: [PeerFrame] = [
        .messages([]),
        .messages(peerMessages),
        .snapshotChunk(SnapshotChunk(snapshotIndex: 500, snapshotTerm: 7, file: "data.sst", offset: 0,
                                     data: largeValue, checksum: 0xDEAD_BEEF, isLast: false)),
        .snapshotChunk(SnapshotChunk(snapshotIndex: 500, snapshotTerm: 7, file: "meta.sst", offset: 1 << 40,
                                     data: [], checksum: 0, isLast: true, message: peerMessages.last)),
    ]

    static let peerReplies: [PeerReply] = [
        .snapshotAck(SnapshotChunkAck(snapshotIndex: 500, snapshotTerm: 7, file: "data.sst", receivedBytes: 1 << 20,
                                      isAccepted: true)),
        .snapshotAck(SnapshotChunkAck(snapshotIndex: 0, snapshotTerm: 0, file: unicode, receivedBytes: 0,
                                      isAccepted: false, message: "checksum mismatch", isLast: true)),
    ]

    static let requests: [ClientRequest] = operations.enumerated().map { index, operation in
        ClientRequest(
            id: index.isMultiple(of: 2) ? UInt64(index) : .max - UInt64(index),
            timeoutMilliseconds: index.isMultiple(of: 3) ? 0 : UInt64(index) * 1000,
            session: operation.isWrite ? WriteSession(clientID: .max, sequence: UInt64(index)) : nil,
            acknowledgeCommit: operation.isWrite && index.isMultiple(of: 2),
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
            .committed(index: 1),
            .committed(index: .max),
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
            .getMany(values: [], appliedIndex: 0),
            .getMany(values: [nil, [], [0], largeValue, nil, Array(unicode.utf8)], appliedIndex: .max),
            .getMany(values: (0..<1_000).map { $0.isMultiple(of: 3) ? nil : Array("activity \($0)".utf8) }, appliedIndex: 12),
            .unknown,
        ] + adminResults.map { .admin($0) }
        + sortedSetResults.map { .sortedSet($0) }

    static let sortedSetResults: [SortedSetResult] = [
        .changes(SortedSetChanges(appliedIndex: 0)),
        .changes(SortedSetChanges(added: 5_000, updated: 1, removed: 4_999, appliedIndex: 42)),
        .changes(SortedSetChanges(added: .max, updated: .max, removed: .max, appliedIndex: .max)),
        .score(nil, appliedIndex: 0),
        .score(0, appliedIndex: 1),
        .count(0, appliedIndex: 0),
        .count(.max, appliedIndex: 7),
        .page(SortedSetPage(members: [], nextCursor: nil, appliedIndex: 3)),
        .page(SortedSetPage(members: [], nextCursor: SortedSetCursor(score: 0, member: []), appliedIndex: 3)),
        .page(
            SortedSetPage(
                members: edgeScores.enumerated().map { SortedSetMember(member: Array("post:\($0.offset)".utf8), score: $0.element) }
                    + [SortedSetMember(member: largeValue, score: 1)],
                nextCursor: SortedSetCursor(score: 1, member: largeValue),
                appliedIndex: .max
            )
        ),
    ] + edgeScores.map { .score($0, appliedIndex: 9) }

    static let responses: [ClientResponse] = results.enumerated().map { index, result in
        ClientResponse(id: index.isMultiple(of: 2) ? UInt64(index) : .max - UInt64(index), result: result)
    }
}
