import KeelStore
import XCTest

final class SessionTests: StoreTestCase {
    func testRetryReturnsTheFirstResultAndAppliesOnce() throws {
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 7, sequence: 1), .counter(1))
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 7, sequence: 2), .counter(2))
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 7, sequence: 2), .counter(2))
        XCTAssertEqual(try view.get(bytes("c")), counterBytes(2))
        // Also after a restart (the result comes from the stored table).
        try reopenStore()
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 7, sequence: 2), .counter(2))
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 7, sequence: 1), .failed(.staleSequence(lastApplied: 2)))
        XCTAssertEqual(try view.get(bytes("c")), counterBytes(2))
        // Other clients and commands without a session are independent.
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 8, sequence: 1), .counter(3))
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1)), .counter(4))
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1)), .counter(5))
    }

    func testRetryInTheSameGroupAndFailedResultsAreRemembered() throws {
        let results = try applyGroup([
            envelope(.increment(key: bytes("c"), delta: 5), client: 3, sequence: 1),
            envelope(.increment(key: bytes("c"), delta: 5), client: 3, sequence: 1),
            envelope(.put(key: [], value: []), client: 3, sequence: 2),
            envelope(.put(key: [], value: []), client: 3, sequence: 2),
            envelope(.increment(key: bytes("c"), delta: 5), client: 3, sequence: 1),
        ])
        XCTAssertEqual(results, [.counter(5), .counter(5), .failed(.emptyKey), .failed(.emptyKey), .failed(.staleSequence(lastApplied: 2))])
        XCTAssertEqual(try view.get(bytes("c")), counterBytes(5))
    }

    func testUnknownClientMustStartAtSequenceOne() throws {
        XCTAssertEqual(try apply(.put(key: bytes("k"), value: bytes("v")), client: 9, sequence: 5), .failed(.sessionExpired))
        XCTAssertNil(try view.get(bytes("k")))
        XCTAssertEqual(try apply(.put(key: bytes("k"), value: bytes("v")), client: 9, sequence: 1), .done)
        // Gaps are allowed: a client may give up on a sequence.
        XCTAssertEqual(try apply(.put(key: bytes("k"), value: bytes("w")), client: 9, sequence: 4), .done)
        XCTAssertEqual(try view.get(bytes("k")), bytes("w"))
    }

    func testSessionsExpireByLogTimeDeterministically() throws {
        configuration = StoreConfiguration(sessionTimeoutMilliseconds: 10_000, maxSessions: 100)
        try reopenStore()
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 1, sequence: 1), .counter(1))
        now += 5_000
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 2, sequence: 1), .counter(2))
        now += 6_000
        // An entry from any client moves log time: client 1 (seen 11 s ago) expires, client 2 stays.
        XCTAssertEqual(try apply(.put(key: bytes("tick"), value: [])), .done)
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 1, sequence: 1), .counter(3), "expired: applied as a new session")
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 2, sequence: 1), .counter(2))
        // A leader whose clock is behind does not move log time backwards.
        now -= 100_000
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 1, sequence: 1), .counter(3))
        now += 100_000 + 10_001
        try reopenStore()
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 2, sequence: 2), .failed(.sessionExpired))
    }

    func testSessionCountIsBoundedByEvictingTheOldest() throws {
        configuration = StoreConfiguration(sessionTimeoutMilliseconds: 1_000_000, maxSessions: 3)
        try reopenStore()
        for client in UInt64(1)...3 {
            XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: client, sequence: 1), .counter(Int64(client)))
            now += 1
        }
        // Client 1 is seen again, so client 2 is now the oldest and makes room for client 4.
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 1, sequence: 2), .counter(4))
        now += 1
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 4, sequence: 1), .counter(5))
        try reopenStore()
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 2, sequence: 2), .failed(.sessionExpired))
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 1, sequence: 2), .counter(4))
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 3, sequence: 1), .counter(3))
        XCTAssertEqual(try apply(.increment(key: bytes("c"), delta: 1), client: 4, sequence: 1), .counter(5))
    }

    func testTwoReplicasWithDifferentGroupingsAgree() throws {
        // The same log, applied in different groups (and one replica restarting), gives the
        // same results and the same data: expiry and eviction depend on the log only.
        configuration = StoreConfiguration(sessionTimeoutMilliseconds: 50, maxSessions: 4)
        var generator = SeededGenerator(seed: 99)
        var log: [[UInt8]] = []
        var sequences: [UInt64: UInt64] = [:]
        var time: UInt64 = 1_000
        for _ in 0..<600 {
            time += UInt64.random(in: 0..<8, using: &generator)
            let client = UInt64.random(in: 0..<8, using: &generator)
            var sequence: UInt64 = 0
            if client != 0 {
                let last = sequences[client, default: 0]
                let back = UInt64.random(in: 0...1, using: &generator)
                sequence = Bool.random(using: &generator) || last == 0 ? last + 1 : max(1, last - back)
                sequences[client] = max(last, sequence)
            }
            let command = Command.increment(key: bytes("c\(client % 3)"), delta: 1)
            log.append(CommandEnvelope(clientID: client, sequence: sequence, timestampMilliseconds: time, command: command).encoded())
        }
        try reopenStore()
        let all = entries(log)
        var first: [CommandResult?] = []
        var start = 0
        while start < all.count {
            let end = min(all.count, start + Int.random(in: 1...40, using: &generator))
            first += try store.apply(Array(all[start..<end]))
            start = end
        }
        let firstValues = try allValues()

        try tearDownWithError()
        try setUpWithError()
        configuration = StoreConfiguration(sessionTimeoutMilliseconds: 50, maxSessions: 4)
        try reopenStore()
        var second: [CommandResult?] = []
        for (offset, entry) in all.enumerated() {
            second += try store.apply([entry])
            if offset % 97 == 0 { try reopenStore() }
        }
        XCTAssertEqual(first, second)
        XCTAssertEqual(try allValues(), firstValues)
        XCTAssertTrue(first.contains(.failed(.sessionExpired)), "the log should exercise expiry")
    }
}
