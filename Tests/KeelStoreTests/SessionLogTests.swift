@testable import KeelStore
import RocksDB
import XCTest

/// Session changes stored as one group record per apply group and folded into the per-client
/// keys now and then: retries, expiry and eviction must not see where a record lives.
final class SessionLogTests: StoreTestCase {
    private var meta: ColumnFamily {
        get throws { try XCTUnwrap(database.columnFamily(named: KeelStore.metaColumnFamilyName)) }
    }

    /// Group records in `meta` now.
    private func groupRecordCount() throws -> Int {
        try database.scan(in: meta, from: MetaKey.sessionGroupPrefix, to: MetaKey.sessionGroupPrefixEnd).count
    }

    /// Whether the client's own key (written only by a fold) exists.
    private func hasPerClientRecord(_ clientID: UInt64) throws -> Bool {
        try database.get(MetaKey.session(clientID), in: meta) != nil
    }

    /// The logical session table: client id -> decoded record, from the database.
    private func storedRecords() throws -> [UInt64: SessionRecord] {
        try store.storedSessions().records.mapValues { try SessionRecord(decoding: $0) }
    }

    private func increment(client: UInt64, sequence: UInt64) throws -> CommandResult {
        try apply(.increment(key: bytes("c"), delta: 1), client: client, sequence: sequence)
    }

    func testGroupRecordsRoundTrip() throws {
        var group = SessionGroupRecord()
        XCTAssertEqual(try SessionGroupRecord(decoding: group.encoded()), group)
        group.recorded = [
            SessionGroupRecord.Recorded(clientID: 1, record: SessionRecord(lastSequence: 3, lastSeen: 9, result: .counter(-2)).encoded()),
            SessionGroupRecord.Recorded(clientID: .max, record: []),
        ]
        group.removed = [7, 0, .max - 1]
        XCTAssertEqual(try SessionGroupRecord(decoding: group.encoded()), group)
        let encoded = group.encoded()
        for length in 0..<encoded.count {
            XCTAssertThrowsError(try SessionGroupRecord(decoding: Array(encoded.prefix(length))), "prefix of \(length) bytes")
        }
        XCTAssertThrowsError(try SessionGroupRecord(decoding: encoded + [0]))
        XCTAssertTrue(MetaKey.sessionGroup(255).lexicographicallyPrecedes(MetaKey.sessionGroup(256)), "group keys must sort in apply order")
    }

    func testRetriesGetTheFirstResultBeforeAndAfterAFoldAndAcrossReopens() throws {
        sessionLogBounds = SessionLog.Bounds(groups: 4, bytes: 1 << 20)
        try reopenStore()
        XCTAssertEqual(try increment(client: 1, sequence: 1), .counter(1))
        XCTAssertEqual(try increment(client: 2, sequence: 1), .counter(2))
        // Answered from the unfolded records in memory.
        XCTAssertEqual(try increment(client: 1, sequence: 1), .counter(1))
        XCTAssertEqual(try groupRecordCount(), 2, "a retry changes no session, so writes no record")
        XCTAssertFalse(try hasPerClientRecord(1))

        // Answered from the group records replayed on load.
        try reopenStore()
        XCTAssertEqual(try store.storedSessions().log.groupCount, 2)
        XCTAssertEqual(try increment(client: 1, sequence: 1), .counter(1))
        XCTAssertEqual(try increment(client: 2, sequence: 1), .counter(2))
        XCTAssertEqual(try increment(client: 3, sequence: 1), .counter(3))
        XCTAssertEqual(try groupRecordCount(), 3)
        // The fourth group folds: every client's latest record moves to its own key.
        XCTAssertEqual(try increment(client: 1, sequence: 2), .counter(4))
        XCTAssertEqual(try groupRecordCount(), 0)
        for client: UInt64 in 1...3 {
            XCTAssertTrue(try hasPerClientRecord(client), "client \(client)")
        }

        // Answered from the per-client keys, before and after a reopen.
        for round in 0..<2 {
            XCTAssertEqual(try increment(client: 1, sequence: 2), .counter(4), "round \(round)")
            XCTAssertEqual(try increment(client: 3, sequence: 1), .counter(3), "round \(round)")
            XCTAssertEqual(try increment(client: 1, sequence: 1), .failed(.staleSequence(lastApplied: 2)), "round \(round)")
            try reopenStore()
        }
        // A retry in the same group as the command it repeats.
        XCTAssertEqual(try applyGroup([
            envelope(.increment(key: bytes("c"), delta: 1), client: 2, sequence: 2),
            envelope(.increment(key: bytes("c"), delta: 1), client: 2, sequence: 2),
        ]), [.counter(5), .counter(5)])
        XCTAssertEqual(try view.get(bytes("c")), counterBytes(5))
        XCTAssertEqual(try storedRecords()[2], SessionRecord(lastSequence: 2, lastSeen: now, result: .counter(5)))
    }

    func testALargeResultFoldsByBytes() throws {
        sessionLogBounds = SessionLog.Bounds(groups: 1_000, bytes: 300)
        try reopenStore()
        let big = [UInt8](repeating: 7, count: 400)
        XCTAssertEqual(try apply(.put(key: bytes("k"), value: big), client: 1, sequence: 1), .done)
        XCTAssertEqual(try groupRecordCount(), 1)
        let failedSwap = CommandResult.compareAndSet(swapped: false, current: big)
        XCTAssertEqual(try apply(.compareAndSet(key: bytes("k"), expected: .absent, newValue: []), client: 2, sequence: 1), failedSwap)
        XCTAssertEqual(try groupRecordCount(), 0, "over 300 bytes unfolded: folded")
        XCTAssertTrue(try hasPerClientRecord(1))
        XCTAssertTrue(try hasPerClientRecord(2))
        try reopenStore()
        XCTAssertEqual(try apply(.compareAndSet(key: bytes("k"), expected: .absent, newValue: []), client: 2, sequence: 1), failedSwap)
        XCTAssertEqual(try apply(.put(key: bytes("k"), value: []), client: 1, sequence: 1), .done)
        XCTAssertEqual(try view.get(bytes("k")), big)
    }

    func testExpiryAndEvictionAcrossFoldsAndReopens() throws {
        configuration = StoreConfiguration(sessionTimeoutMilliseconds: 10_000, maxSessions: 3)
        sessionLogBounds = SessionLog.Bounds(groups: 3, bytes: 1 << 20)
        try reopenStore()
        for client: UInt64 in 1...3 {
            XCTAssertEqual(try increment(client: client, sequence: 1), .counter(Int64(client)))
            now += 1
        }
        XCTAssertEqual(try groupRecordCount(), 0, "the third group folds")
        // Client 1 is the oldest: client 4 evicts it. Its key stays until the next fold, but
        // the unfolded group record that removed it wins, also after a reopen.
        XCTAssertEqual(try increment(client: 4, sequence: 1), .counter(4))
        XCTAssertTrue(try hasPerClientRecord(1))
        try reopenStore()
        XCTAssertEqual(try Set(storedRecords().keys), [2, 3, 4])
        XCTAssertEqual(try increment(client: 1, sequence: 2), .failed(.sessionExpired))

        // Everyone is last seen more than 10 s before client 5 starts: 2, 3, 4 expire.
        now += 20_000
        XCTAssertEqual(try increment(client: 5, sequence: 1), .counter(5))
        XCTAssertEqual(try groupRecordCount(), 2)
        try reopenStore()
        XCTAssertEqual(try Set(storedRecords().keys), [5])
        XCTAssertEqual(try increment(client: 3, sequence: 2), .failed(.sessionExpired))
        XCTAssertEqual(try increment(client: 5, sequence: 1), .counter(5))

        // Client 1 starts over (sequence 1); the fold deletes the keys of the removed sessions.
        XCTAssertEqual(try increment(client: 1, sequence: 1), .counter(6))
        XCTAssertEqual(try groupRecordCount(), 0)
        for client: UInt64 in 2...4 {
            XCTAssertFalse(try hasPerClientRecord(client), "client \(client)")
        }
        try reopenStore()
        XCTAssertEqual(try Set(storedRecords().keys), [1, 5])
        XCTAssertEqual(try increment(client: 4, sequence: 2), .failed(.sessionExpired))
        XCTAssertEqual(try increment(client: 1, sequence: 1), .counter(6))
        XCTAssertEqual(try increment(client: 5, sequence: 1), .counter(5))
        XCTAssertEqual(try view.get(bytes("c")), counterBytes(6))
    }

    /// A database written before group records existed (sessions only under their own keys)
    /// loads as before, and its records are the base that group records replay over.
    func testPerClientRecordsWithoutGroupRecordsLoadAsBefore() throws {
        let record = SessionRecord(lastSequence: 4, lastSeen: now, result: .counter(40)).encoded()
        try database.put(MetaKey.session(9), record, in: meta)
        try reopenStore()
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 9, sequence: 4), .counter(40))
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 9, sequence: 3), .failed(.staleSequence(lastApplied: 4)))
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 9, sequence: 5), .counter(1))
        try reopenStore()
        XCTAssertEqual(try storedRecords(), [9: SessionRecord(lastSequence: 5, lastSeen: now, result: .counter(1))])
    }

    /// Installing a snapshot replaces `data` and `meta` under a running store; `reload()` must
    /// drop the unfolded records it had in memory and take the replacement's.
    func testReloadTakesTheSessionsOfReplacedColumnFamilies() throws {
        sessionLogBounds = SessionLog.Bounds(groups: 4, bytes: 1 << 20)
        try reopenStore()
        for client: UInt64 in 1...3 {
            XCTAssertEqual(try increment(client: client, sequence: 1), .counter(Int64(client)))
        }
        XCTAssertEqual(try increment(client: 1, sequence: 2), .counter(4))
        XCTAssertEqual(try increment(client: 2, sequence: 2), .counter(5))
        XCTAssertEqual(try groupRecordCount(), 1, "the source holds per-client keys and one group record")

        // A second store (the replica) whose own sessions say something else.
        let replicaDatabase = try Database(
            path: directory.appendingPathComponent("replica").path,
            options: Self.testOptions,
            columnFamilies: ["raft", KeelStore.dataColumnFamilyName, KeelStore.metaColumnFamilyName]
        )
        defer { replicaDatabase.close() }
        let replica = try KeelStore(database: replicaDatabase, configuration: configuration, cachedSets: cachedSets, sessionLogBounds: sessionLogBounds)
        let own = [1, 9].enumerated().map { offset, client in
            CommittedEntry(index: UInt64(offset + 1), data: envelope(.put(key: bytes("x"), value: bytes("\(client)")), client: UInt64(client), sequence: 1).encoded())
        }
        XCTAssertEqual(try replica.apply(own), [.done, .done])

        // Replace its column families with the source's, as a snapshot install does.
        let batch = WriteBatch()
        for name in [KeelStore.dataColumnFamilyName, KeelStore.metaColumnFamilyName] {
            let source = try XCTUnwrap(database.columnFamily(named: name))
            let target = try XCTUnwrap(replicaDatabase.columnFamily(named: name))
            try batch.deleteRange(from: [], to: [0xFF, 0xFF], in: target)
            for pair in try database.scan(in: source) {
                try batch.put(pair.key, pair.value, in: target)
            }
        }
        try replicaDatabase.write(batch)
        try replica.reload()

        XCTAssertEqual(replica.appliedIndex, store.appliedIndex)
        XCTAssertEqual(try replica.storedSessions().records, try store.storedSessions().records)
        XCTAssertEqual(replica.sessionsInMemory, store.sessionsInMemory)
        let retries = [(1, 2), (2, 2), (3, 1), (9, 1), (9, 2)].map { client, sequence in
            envelope(.increment(key: bytes("c"), delta: 1), client: UInt64(client), sequence: UInt64(sequence)).encoded()
        }
        let next = entries(retries)
        let expected: [CommandResult?] = [.counter(4), .counter(5), .counter(3), .counter(6), .counter(7)]
        XCTAssertEqual(try replica.apply(next), expected)
        XCTAssertEqual(try store.apply(next), expected)
    }

    func testReplicasThatGroupEntriesDifferentlyKeepTheSameSessions() throws {
        configuration = StoreConfiguration(sessionTimeoutMilliseconds: 400, maxSessions: 24)
        var generator = SeededGenerator(seed: 37)
        var log: [[UInt8]] = []
        var sequences: [UInt64: UInt64] = [:]
        var time: UInt64 = 1_000
        for _ in 0..<3_000 {
            time += UInt64.random(in: 0..<3, using: &generator)
            let client = UInt64.random(in: 0..<40, using: &generator)
            var sequence: UInt64 = 0
            if client != 0 {
                let last = sequences[client, default: 0]
                switch Int.random(in: 0..<10, using: &generator) {
                case 0: sequence = last          // a retry (0 for a client never seen: no session)
                case 1: sequence = max(1, last) - 1
                default: sequence = last + 1
                }
                sequences[client] = max(last, sequence)
            }
            let command: Command = Bool.random(using: &generator)
                ? .increment(key: bytes("c\(client % 5)"), delta: 1)
                : .compareAndSet(key: bytes("k\(client % 7)"), expected: .absent, newValue: bytes("\(client)"))
            log.append(CommandEnvelope(clientID: client, sequence: sequence, timestampMilliseconds: time, command: command).encoded())
        }
        // Afterwards every client retries its last sequence and repeats an older one.
        let retries = sequences.keys.sorted().flatMap { client in
            [sequences[client]!, max(sequences[client]!, 1) - 1].map { sequence in
                CommandEnvelope(clientID: client, sequence: sequence, timestampMilliseconds: time, command: .increment(key: bytes("retry"), delta: 1)).encoded()
            }
        }

        struct Run {
            var bounds: SessionLog.Bounds
            /// Entries per apply call: fixed, or random up to the bound.
            var groupSize: Int
            var randomSizes: Bool
            /// Reopen the store after this many apply calls (0: never).
            var reopenEvery: Int
        }
        let runs = [
            Run(bounds: .standard, groupSize: 1, randomSizes: false, reopenEvery: 0),
            Run(bounds: SessionLog.Bounds(groups: 5, bytes: 1 << 20), groupSize: 37, randomSizes: false, reopenEvery: 7),
            Run(bounds: SessionLog.Bounds(groups: 1_000, bytes: 600), groupSize: 60, randomSizes: true, reopenEvery: 5),
            Run(bounds: SessionLog.Bounds(groups: 1, bytes: 1 << 20), groupSize: 13, randomSizes: false, reopenEvery: 0),
        ]
        var outcomes: [(results: [CommandResult?], retries: [CommandResult?], sessions: [UInt64: SessionRecord], values: [KeyValue])] = []
        for (number, run) in runs.enumerated() {
            try tearDownWithError()
            try setUpWithError()
            configuration = StoreConfiguration(sessionTimeoutMilliseconds: 400, maxSessions: 24)
            sessionLogBounds = run.bounds
            try reopenStore()
            let all = entries(log)
            var results: [CommandResult?] = []
            var start = 0
            var calls = 0
            while start < all.count {
                let size = run.randomSizes ? Int.random(in: 1...run.groupSize, using: &generator) : run.groupSize
                let end = min(all.count, start + size)
                results += try store.apply(Array(all[start..<end]))
                start = end
                calls += 1
                if run.reopenEvery > 0, calls % run.reopenEvery == 0 { try reopenStore() }
            }
            let sessions = try storedRecords()
            // The table in memory is the one the database holds.
            XCTAssertEqual(store.sessionsInMemory, sessions.mapValues { SessionTable.Session(lastSequence: $0.lastSequence, lastSeen: $0.lastSeen) }, "run \(number)")
            let retryResults = try store.apply(entries(retries))
            outcomes.append((results, retryResults, sessions, try allValues()))
        }
        for number in 1..<outcomes.count {
            XCTAssertEqual(outcomes[number].results, outcomes[0].results, "run \(number)")
            XCTAssertEqual(outcomes[number].retries, outcomes[0].retries, "run \(number)")
            XCTAssertEqual(outcomes[number].sessions, outcomes[0].sessions, "run \(number)")
            XCTAssertEqual(outcomes[number].values, outcomes[0].values, "run \(number)")
        }
        let first = outcomes[0].results.compactMap { $0 }
        XCTAssertTrue(first.contains(.failed(.sessionExpired)), "the log should exercise expiry or eviction")
        XCTAssertTrue(first.contains { if case .failed(.staleSequence) = $0 { true } else { false } }, "the log should hold stale sequences")
        XCTAssertEqual(outcomes[0].sessions.count, 24, "the log should fill the session table")
    }
}
