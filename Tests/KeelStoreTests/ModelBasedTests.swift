@testable import KeelStore
import RocksDB
import XCTest

/// Random sequences of every command, in random apply groups, against ``ReferenceStore``:
/// every result and every query must match, and so must a full scan at the end. Some commands
/// belong to client sessions and are retried or repeated stale, across restarts and session
/// log folds.
final class ModelBasedTests: StoreTestCase {
    private var generator = SeededGenerator(seed: 1)
    private var model = ReferenceStore()
    /// Per client: the last sequence applied and its result, as the store must remember them.
    private var modelSessions: [UInt64: (sequence: UInt64, result: CommandResult)] = [:]

    // Small pools so commands collide: sets whose keys are prefixes of each other, members
    // shared between sets, repeated and special scores.
    private let keys = ["a", "ab", "b", "counter", "c2"].map(bytes)
    private let setKeys = ["s", "s1", "s10", "t", "feed"].map(bytes)
    private let memberPool = (0..<24).map { bytes("m\($0)") } + [[], [0xFF], [0x00]]
    private let specialScores: [Double] = [-.infinity, .infinity, -0.0, 0, 1, -1, 2.5, .leastNonzeroMagnitude, -.greatestFiniteMagnitude]

    private func pick<T>(_ list: [T]) -> T { list[Int.random(in: 0..<list.count, using: &generator)] }
    private func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &generator) < percent }
    private func score() -> Double { chance(40) ? pick(specialScores) : Double(Int.random(in: -20...20, using: &generator)) / 2 }
    private func value() -> [UInt8] { (0..<Int.random(in: 0...3, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) } }
    private func maxLength() -> UInt64? { chance(50) ? nil : UInt64.random(in: 1...8, using: &generator) }
    private func mode() -> Command.AddMode { pick(Command.AddMode.allCases) }
    private func someSets() -> [[UInt8]] { (0..<Int.random(in: 1...4, using: &generator)).map { _ in pick(setKeys) } }

    /// A random command and, for the deliberately invalid ones, the error it must fail with.
    private func randomCommand() -> (Command, StoreError?) {
        if chance(3) {
            switch Int.random(in: 0..<5, using: &generator) {
            case 4: return (.removeEntries(set: pick(setKeys), entries: [ScoredMember(member: pick(memberPool), score: .nan)]), .nanScore)
            case 0: return (.put(key: [], value: value()), .emptyKey)
            case 1: return (.add(set: pick(setKeys), members: [scored("x", 1), ScoredMember(member: pick(memberPool), score: .nan)], mode: mode(), maxLength: nil), .nanScore)
            case 2: return (.trim(set: pick(setKeys), maxLength: 0), .invalidMaxLength)
            default: return (.addToMany(sets: someSets() + [[]], member: pick(memberPool), score: 1, mode: mode(), maxLength: nil), .emptyKey)
            }
        }
        if chance(35) {
            return (randomEntryCommand(), nil)
        }
        switch Int.random(in: 0..<13, using: &generator) {
        case 0: return (.put(key: pick(keys), value: chance(20) ? counterBytes(Int64.random(in: -3...3, using: &generator)) : value()), nil)
        case 1: return (.delete(key: pick(keys)), nil)
        case 2:
            let expected: Command.CompareAndSetExpectation = chance(40) ? .absent : .value(chance(50) ? value() : (model.values[pick(keys)] ?? []))
            return (.compareAndSet(key: pick(keys), expected: expected, newValue: chance(20) ? nil : value()), nil)
        case 3: return (.increment(key: pick(keys), delta: chance(5) ? .max : Int64.random(in: -5...5, using: &generator)), nil)
        case 4:
            let operations: [Command.BatchOperation] = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                if chance(30) {
                    let expected: Command.CompareAndSetExpectation = chance(40) ? .absent : .value(chance(30) ? value() : (model.values[pick(keys)] ?? []))
                    return .compareAndSet(key: pick(keys), expected: expected, newValue: chance(20) ? nil : value())
                }
                if chance(15) {
                    return .increment(key: pick(keys), delta: chance(5) ? .max : Int64.random(in: -5...5, using: &generator))
                }
                return chance(70) ? .put(key: pick(keys), value: value()) : .delete(key: pick(keys))
            }
            return (.batch(operations), nil)
        case 5, 6:
            let members = (0..<Int.random(in: 1...5, using: &generator)).map { _ in ScoredMember(member: pick(memberPool), score: score()) }
            return (.add(set: pick(setKeys), members: members, mode: mode(), maxLength: maxLength()), nil)
        case 7: return (.addToMany(sets: someSets(), member: pick(memberPool), score: score(), mode: mode(), maxLength: maxLength()), nil)
        case 8: return (.remove(set: pick(setKeys), members: (0..<Int.random(in: 1...3, using: &generator)).map { _ in pick(memberPool) }), nil)
        case 9: return (.removeFromMany(sets: someSets(), member: pick(memberPool)), nil)
        case 10: return (chance(30) ? .deleteSet(set: pick(setKeys)) : .trim(set: pick(setKeys), maxLength: UInt64.random(in: 1...10, using: &generator)), nil)
        default:
            let low = score(), high = chance(80) ? low + Double(Int.random(in: 0...6, using: &generator)) : score()
            return (.removeByScoreRange(set: pick(setKeys), minimum: low, maximum: high), nil)
        }
    }

    /// A valid entry-keyed command; removals often name an entry the set holds.
    private func randomEntryCommand() -> Command {
        func entry(in sets: [[UInt8]]) -> ScoredMember {
            if chance(60), let held = sets.flatMap({ model.entries($0) }).randomElement(using: &generator) {
                return ScoredMember(member: held.member, score: held.score)
            }
            return ScoredMember(member: pick(memberPool), score: score())
        }
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
            let set = pick(setKeys)
            return .addEntries(set: set, entries: (0..<Int.random(in: 1...5, using: &generator)).map { _ in entry(in: [set]) }, maxLength: maxLength())
        case 1:
            let sets = someSets()
            return .addEntryToMany(sets: sets, entry: entry(in: sets), maxLength: maxLength())
        case 2:
            let set = pick(setKeys)
            return .removeEntries(set: set, entries: (0..<Int.random(in: 1...3, using: &generator)).map { _ in entry(in: [set]) })
        default:
            let sets = someSets()
            return .removeEntryFromMany(sets: sets, entry: entry(in: sets))
        }
    }

    private func randomStart(offsetAllowed: Bool) -> RangeStart {
        switch Int.random(in: 0..<(offsetAllowed ? 4 : 3), using: &generator) {
        case 0: return .beginning
        case 1: return .after(RangeCursor(score: score(), member: pick(memberPool)))
        case 2: return .score(score())
        default: return .offset(Int.random(in: 0...6, using: &generator))
        }
    }

    private func checkRandomQueries(_ count: Int, context: String) throws {
        let snapshot = try store.snapshot()
        for _ in 0..<count {
            let limit = Int.random(in: 1...6, using: &generator)
            let order: RangeOrder = chance(50) ? .newestFirst : .oldestFirst
            switch Int.random(in: 0..<6, using: &generator) {
            case 0:
                let key = pick(keys)
                XCTAssertEqual(try snapshot.get(key), model.values[key], context)
            case 1:
                let prefix = chance(30) ? [] : Array(pick(keys).prefix(1))
                let after = chance(50) ? pick(keys) : nil
                XCTAssertEqual(try snapshot.scan(prefix: prefix, startAfter: after, limit: limit), model.scan(prefix: prefix, startAfter: after, limit: limit), context)
            case 2:
                let set = pick(setKeys), member = pick(memberPool)
                let score: Result<Double?, StoreError>
                do {
                    score = .success(try snapshot.score(of: member, in: set))
                } catch let error as StoreError {
                    score = .failure(error)
                }
                XCTAssertEqual(score, model.score(of: member, in: set), context)
                XCTAssertEqual(try snapshot.kind(of: set), model.isEntryKeyed(set) ? .entryKeyed : model.isMemberKeyed(set) ? .memberKeyed : nil, context)
                XCTAssertEqual(try snapshot.count(of: set), UInt64(model.entries(set).count), context)
            case 3, 4:
                let set = pick(setKeys), start = randomStart(offsetAllowed: true)
                XCTAssertEqual(try snapshot.range(of: set, order: order, from: start, limit: limit), model.range(set, order, start, limit: limit), "\(context) range \(set) \(order) \(start)")
            default:
                let sets = someSets(), start = randomStart(offsetAllowed: false)
                XCTAssertEqual(try snapshot.mergedRange(of: sets, order: order, from: start, limit: limit), model.mergedRange(sets, order, start, limit: limit), "\(context) merged \(sets) \(order) \(start)")
            }
        }
    }

    private func runModel(seed: UInt64, operations: Int) throws {
        generator = SeededGenerator(seed: seed)
        model = ReferenceStore()
        modelSessions = [:]
        var done = 0
        var groupNumber = 0
        while done < operations {
            let size = min(operations - done, Int.random(in: 1...25, using: &generator))
            var envelopes: [CommandEnvelope] = []
            var expected: [CommandResult] = []
            for _ in 0..<size {
                let (command, invalid) = randomCommand()
                guard chance(40) else {
                    envelopes.append(envelope(command))
                    expected.append(invalid.map { .failed($0) } ?? model.apply(command))
                    continue
                }
                let client = UInt64.random(in: 1...6, using: &generator)
                let last = modelSessions[client]
                if let last, chance(25) {
                    // A retry: answered from the session, the command is not applied again.
                    envelopes.append(envelope(command, client: client, sequence: last.sequence))
                    expected.append(last.result)
                } else if let last, last.sequence > 1, chance(10) {
                    envelopes.append(envelope(command, client: client, sequence: last.sequence - 1))
                    expected.append(.failed(.staleSequence(lastApplied: last.sequence)))
                } else {
                    let sequence = (last?.sequence ?? 0) + 1
                    let result = invalid.map { .failed($0) } ?? model.apply(command)
                    envelopes.append(envelope(command, client: client, sequence: sequence))
                    expected.append(result)
                    modelSessions[client] = (sequence, result)
                }
            }
            let results = try applyGroup(envelopes)
            for index in 0..<size where results[index] != expected[index] {
                XCTFail("seed \(seed) group \(groupNumber) entry \(index): \(envelopes[index].command) gave \(results[index]), model \(expected[index])")
                return
            }
            done += size
            groupNumber += 1
            if chance(10) { try reopenStore() }
            try checkRandomQueries(8, context: "seed \(seed) after group \(groupNumber)")
        }
        try checkFullState(seed: seed)
    }

    /// Every pair, every set through paging, and the raw layout: each member entry of a
    /// member-keyed set has its index entry, an entry-keyed set has none, and each count and
    /// kind matches.
    private func checkFullState(seed: UInt64) throws {
        let expectedValues = model.values.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { KeyValue(key: $0.key, value: $0.value) }
        XCTAssertEqual(try allValues(pageSize: 3), expectedValues, "seed \(seed)")
        for set in setKeys {
            let name = String(decoding: set, as: UTF8.self)
            XCTAssertEqual(try allMembers(name, pageSize: 4), model.entries(set).map { ScoredMember(member: $0.member, score: $0.score) }, "seed \(seed) set \(name)")
        }
        let data = try XCTUnwrap(database.columnFamily(named: KeelStore.dataColumnFamilyName))
        var entryCount: [[UInt8]: Int] = [:], indexCount: [[UInt8]: Int] = [:], counts: [[UInt8]: UInt64] = [:]
        var lowestEncodedScore: [[UInt8]: UInt64] = [:], lowestBound: [[UInt8]: UInt64] = [:]
        for pair in try database.scan(in: data) {
            let tag = pair.key[0]
            guard tag != DataKey.valueTag else { continue }
            let length = Int(pair.key[1]) << 8 | Int(pair.key[2])
            let set = Array(pair.key[3..<(3 + length)])
            switch tag {
            case DataKey.entryTag:
                entryCount[set, default: 0] += 1
                let entry = try XCTUnwrap(DataKey.entryContents(of: pair.key, prefixLength: 3 + length), "seed \(seed): malformed member entry key")
                lowestEncodedScore[set] = min(lowestEncodedScore[set] ?? .max, entry.score)
                let decoded = ReferenceStore.Entry(score: OrderedScore.decode(entry.score), member: entry.member)
                XCTAssertTrue(model.entries(set).contains(decoded), "seed \(seed): stray member entry")
            case DataKey.memberTag: indexCount[set, default: 0] += 1
            case DataKey.countTag:
                let record = try XCTUnwrap(DataKey.countRecord(pair.value), "seed \(seed): malformed count record")
                counts[set] = record.count
                lowestBound[set] = record.lowestScore
                XCTAssertEqual(record.kind == .entryKeyed, model.isEntryKeyed(set), "seed \(seed): kind of \(set)")
            default: XCTFail("unknown tag \(tag)")
            }
        }
        let memberKeyedCounts = model.sets.compactMapValues { $0.isEmpty ? nil : $0.count }
        let expectedCounts = memberKeyedCounts.merging(model.entrySets.compactMapValues { $0.isEmpty ? nil : $0.count }) { _, _ in
            XCTFail("seed \(seed): a set of both kinds in the model")
            return 0
        }
        XCTAssertEqual(entryCount, expectedCounts, "seed \(seed) member entries")
        XCTAssertEqual(indexCount, memberKeyedCounts, "seed \(seed) member index")
        XCTAssertEqual(counts, expectedCounts.mapValues { UInt64($0) }, "seed \(seed) counts")
        // The stored lower bound of each set's scores must hold, or trims would skip members.
        for (set, lowest) in lowestEncodedScore {
            XCTAssertLessThanOrEqual(lowestBound[set] ?? .max, lowest, "seed \(seed): lowest-score bound of \(set) too high")
        }
    }

    func testRandomCommandsMatchTheReference() throws {
        for seed: UInt64 in 1...3 {
            try tearDownWithError()
            try setUpWithError()
            try runModel(seed: seed, operations: 2_000)
        }
    }

    /// The same with session group records folded every few groups (or by bytes), so that
    /// retries meet records in every place they can be: the group, memory, group records
    /// replayed on reopen, and the per-client keys.
    func testResultsDoNotDependOnWhereSessionsAreStored() throws {
        for (seed, bounds): (UInt64, SessionLog.Bounds) in [(7, SessionLog.Bounds(groups: 1, bytes: 1 << 20)), (8, SessionLog.Bounds(groups: 4, bytes: 1 << 20)), (9, SessionLog.Bounds(groups: 100, bytes: 200))] {
            try tearDownWithError()
            sessionLogBounds = bounds
            try setUpWithError()
            try runModel(seed: seed, operations: 1_500)
        }
    }

    /// The same with the set-count cache off and with a cache so small that it evicts all the
    /// time: results must not depend on it.
    func testResultsDoNotDependOnTheSetCache() throws {
        for (seed, capacity): (UInt64, Int) in [(4, 0), (5, 1), (6, 3)] {
            try tearDownWithError()
            cachedSets = capacity
            try setUpWithError()
            try runModel(seed: seed, operations: 1_000)
        }
    }
}
