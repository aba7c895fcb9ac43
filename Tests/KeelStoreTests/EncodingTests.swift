@testable import KeelStore
import XCTest

final class EncodingTests: XCTestCase {
    private func assertOrderPreserved(_ a: Double, _ b: Double, file: StaticString = #filePath, line: UInt = #line) {
        let ea = OrderedScore.encode(a), eb = OrderedScore.encode(b)
        XCTAssertEqual(a < b, ea < eb, "\(a) vs \(b)", file: file, line: line)
        XCTAssertEqual(a == b, ea == eb, "\(a) vs \(b)", file: file, line: line)
        // Bytewise order of the big-endian bytes is the order RocksDB sees.
        XCTAssertEqual(a < b, DataKey.bigEndian(ea).lexicographicallyPrecedes(DataKey.bigEndian(eb)), file: file, line: line)
    }

    func testScoreEncodingOrdersEdgeValues() {
        let edges: [Double] = [
            -.infinity, -.greatestFiniteMagnitude, -1e300, -2, -1, -.leastNormalMagnitude,
            -.leastNonzeroMagnitude, -0.0, 0.0, .leastNonzeroMagnitude, .leastNormalMagnitude * 0.5,
            .leastNormalMagnitude, 1e-300, 1, 2, 1e300, .greatestFiniteMagnitude, .infinity,
        ]
        for a in edges {
            for b in edges {
                assertOrderPreserved(a, b)
            }
            XCTAssertEqual(OrderedScore.decode(OrderedScore.encode(a)), OrderedScore.canonical(a))
        }
        XCTAssertEqual(OrderedScore.encode(-0.0), OrderedScore.encode(0.0))
        XCTAssertEqual(OrderedScore.decode(OrderedScore.encode(-0.0)).sign, .plus)
        // Sorted edge list stays sorted (strictly, except -0.0 and 0.0 which are one position).
        let encoded = edges.map(OrderedScore.encode)
        for index in 1..<encoded.count {
            XCTAssertLessThanOrEqual(encoded[index - 1], encoded[index])
        }
    }

    func testScoreEncodingOrdersRandomDoubles() {
        var generator = SeededGenerator(seed: 42)
        func randomDouble() -> Double {
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: return Double.random(in: -1e6...1e6, using: &generator)
            case 1: return Double(Int.random(in: -5...5, using: &generator))
            default:
                // Any bit pattern, including subnormals and infinities, except NaN.
                let value = Double(bitPattern: generator.next())
                return value.isNaN ? 0 : value
            }
        }
        for _ in 0..<20_000 {
            let a = randomDouble(), b = randomDouble()
            assertOrderPreserved(a, b)
            XCTAssertEqual(OrderedScore.decode(OrderedScore.encode(a)), OrderedScore.canonical(a))
        }
    }

    func testSetKeysAreNeverPrefixesOfOtherSets() {
        let sets: [[UInt8]] = [bytes("a"), bytes("ab"), bytes("abc"), [0x00], [0x00, 0x00], [0xFF], Array(repeating: 0x61, count: 300)]
        for tag in [DataKey.entryTag, DataKey.memberTag, DataKey.countTag] {
            for a in sets {
                for b in sets where a != b {
                    let prefixA = DataKey.setPrefix(tag, a)
                    // Any key of set b (its prefix plus anything) never starts with a's prefix.
                    var keyOfB = DataKey.setPrefix(tag, b)
                    keyOfB += [0, 1, 2, 3, 4, 5, 6, 7] + bytes("member")
                    XCTAssertFalse(keyOfB.starts(with: prefixA), "\(a) is a prefix of \(b)'s keys")
                }
            }
        }
        var buffer: [UInt8] = []
        DataKey.entry(bytes("ab"), score: 0x0102_0304_0506_0708, member: bytes("m"), into: &buffer)
        XCTAssertEqual(buffer, [DataKey.entryTag, 0, 2] + bytes("ab") + [0xFE, 0xFD, 0xFC, 0xFB, 0xFA, 0xF9, 0xF8, 0xF7] + [~UInt8(ascii: "m"), 0xFF, 0xFF])
        DataKey.entry(bytes("ab"), score: 1, member: [0x00, 0x01, 0xFF], into: &buffer)
        XCTAssertEqual(Array(buffer.dropFirst(5 + 8)), [0xFF, 0xFE, 0xFE, 0x00, 0xFF, 0xFF])
        DataKey.member(bytes("ab"), bytes("m"), into: &buffer)
        XCTAssertEqual(buffer, [DataKey.memberTag, 0, 2] + bytes("ab") + bytes("m"))
        XCTAssertEqual(DataKey.value(bytes("k")), [DataKey.valueTag] + bytes("k"))
    }

    /// Member entries lie in RocksDB in exactly the reverse of the oldest-first order (score,
    /// then member bytes), so newest-first is a forward scan; and every key decodes back.
    func testMemberEntryKeysSortNewestFirst() throws {
        var generator = SeededGenerator(seed: 11)
        // Short members over a tiny alphabet with 0x00 and 0xFF, so prefixes and the escaped
        // byte meet often.
        func randomMember() -> [UInt8] {
            (0..<Int.random(in: 0...4, using: &generator)).map { _ in [0x00, 0x01, 0x61, 0xFE, 0xFF][Int.random(in: 0..<5, using: &generator)] }
        }
        let scores: [Double] = [-.infinity, -1, -0.0, 0, .leastNonzeroMagnitude, 1, .infinity]
        var entries: [ScoredEntry] = []
        for _ in 0..<400 {
            entries.append(ScoredEntry(score: OrderedScore.encode(scores[Int.random(in: 0..<scores.count, using: &generator)]), member: randomMember()))
        }
        entries.append(ScoredEntry(score: OrderedScore.encode(1), member: []))
        let set = bytes("s")
        let prefix = DataKey.setPrefix(DataKey.entryTag, set)
        var key: [UInt8] = []
        let keyed = entries.map { entry -> (ScoredEntry, [UInt8]) in
            DataKey.entry(set, score: entry.score, member: entry.member, into: &key)
            return (entry, key)
        }
        for (entry, key) in keyed {
            XCTAssertEqual(DataKey.entryContents(of: key, prefixLength: prefix.count), entry)
            XCTAssertTrue(key.starts(with: prefix))
        }
        for (left, leftKey) in keyed {
            for (right, rightKey) in keyed.prefix(60) {
                XCTAssertEqual(left < right, rightKey.lexicographicallyPrecedes(leftKey), "\(left) vs \(right)")
                XCTAssertEqual(left == right, leftKey == rightKey)
                if left != right {
                    XCTAssertFalse(leftKey.starts(with: rightKey), "an entry key is a prefix of another")
                }
            }
        }
        // Lowest-score bounds: the end position lies after every entry scored at least the
        // bound and before every entry scored below it.
        for bound in scores.map(OrderedScore.encode) + [0] {
            let end = DataKey.entriesEnd(scoredAtLeast: bound, prefix: prefix)
            for (entry, key) in keyed {
                XCTAssertEqual(entry.score >= bound, key.lexicographicallyPrecedes(end), "bound \(bound), \(entry)")
            }
        }
        // Malformed suffixes are rejected, not misread.
        for suffix: [UInt8] in [[], [0xFF], [0xFF, 0x00], [0xFF, 0xFF, 0x01], [0x9E]] {
            XCTAssertNil(DataKey.entryContents(of: prefix + [0, 0, 0, 0, 0, 0, 0, 0] + suffix, prefixLength: prefix.count), "\(suffix)")
        }
    }

    static let sampleCommands: [Command] = [
        .put(key: bytes("k"), value: bytes("v")),
        .put(key: bytes("k"), value: []),
        .delete(key: bytes("k")),
        .compareAndSet(key: bytes("k"), expected: .absent, newValue: bytes("new")),
        .compareAndSet(key: bytes("k"), expected: .value([]), newValue: nil),
        .increment(key: bytes("c"), delta: -5),
        .increment(key: bytes("c"), delta: .min),
        .batch([.put(key: bytes("a"), value: bytes("1")), .delete(key: bytes("b"))]),
        .batch([
            .compareAndSet(key: bytes("a"), expected: .absent, newValue: bytes("1")),
            .compareAndSet(key: bytes("b"), expected: .value(bytes("2")), newValue: nil),
            .put(key: bytes("c"), value: []),
            .increment(key: bytes("d"), delta: -7),
        ]),
        .add(set: bytes("s"), members: [scored("m", 1.5), scored("n", -.infinity)], mode: .onlyIfGreater, maxLength: 10),
        .add(set: bytes("s"), members: [scored("m", .nan)], mode: .upsert, maxLength: nil),
        .add(set: bytes("s"), members: [], mode: .onlyIfAbsent, maxLength: .max),
        .addToMany(sets: [bytes("a"), bytes("b")], member: bytes("m"), score: 3, mode: .upsert, maxLength: 0),
        .remove(set: bytes("s"), members: [bytes("m"), []]),
        .removeFromMany(sets: [bytes("a")], member: bytes("m")),
        .deleteSet(set: bytes("s")),
        .trim(set: bytes("s"), maxLength: 3),
        .removeByScoreRange(set: bytes("s"), minimum: -1, maximum: .infinity),
        .addEntries(set: bytes("s"), entries: [scored("m", 1.5), scored("m", -.infinity)], maxLength: 10),
        .addEntries(set: bytes("s"), entries: [], maxLength: nil),
        .addEntryToMany(sets: [bytes("a"), bytes("b")], entry: scored("m", 3), maxLength: .max),
        .removeEntries(set: bytes("s"), entries: [scored("", 0)]),
        .removeEntryFromMany(sets: [bytes("a")], entry: scored("m", -2)),
    ]

    func testCommandsRoundTrip() throws {
        for (index, command) in Self.sampleCommands.enumerated() {
            let envelope = CommandEnvelope(clientID: UInt64(index) * 0x1_0000_0001, sequence: .max, timestampMilliseconds: 1_700_000_000_000, command: command)
            let encoded = envelope.encoded()
            XCTAssertEqual(encoded.first, CommandEnvelope.encodingVersion)
            let decoded = try CommandEnvelope(decoding: encoded)
            // NaN is never equal to itself, so compare the re-encoding instead.
            XCTAssertEqual(decoded.encoded(), encoded, "\(command)")
            if case .add(_, let members, _, _) = command, members.contains(where: { $0.score.isNaN }) { continue }
            XCTAssertEqual(decoded, envelope)
        }
    }

    func testWriteCountReadsTheCommandsCountsWithoutDecodingIt() {
        let a: [UInt8] = [1, 2, 3]
        let cases: [(Command, Int)] = [
            (.put(key: a, value: a), 1),
            (.delete(key: a), 1),
            (.compareAndSet(key: a, expected: .value(a), newValue: nil), 1),
            (.increment(key: a, delta: -3), 1),
            (.batch([.put(key: a, value: a), .delete(key: [9]), .delete(key: [8])]), 3),
            (.add(set: a, members: (0..<500).map { ScoredMember(member: [UInt8(truncatingIfNeeded: $0)], score: 1) }, mode: .upsert, maxLength: 40), 500),
            (.addToMany(sets: (0..<300).map { [UInt8(truncatingIfNeeded: $0), 7] }, member: a, score: 2, mode: .onlyIfGreater, maxLength: nil), 300),
            (.remove(set: a, members: [[1], [2]]), 2),
            (.removeFromMany(sets: [[1], [2], [3], [4]], member: a), 4),
            (.deleteSet(set: a), 1),
            (.trim(set: a, maxLength: 3), 1),
            (.removeByScoreRange(set: a, minimum: 0, maximum: 1), 1),
            (.addEntries(set: a, entries: (0..<70).map { ScoredMember(member: [UInt8($0)], score: 1) }, maxLength: 40), 70),
            (.addEntryToMany(sets: (0..<300).map { [UInt8(truncatingIfNeeded: $0), 7] }, entry: ScoredMember(member: a, score: 2), maxLength: 5), 300),
            (.removeEntries(set: a, entries: [ScoredMember(member: [1], score: 1)]), 1),
            (.removeEntryFromMany(sets: [[1], [2], [3]], entry: ScoredMember(member: a, score: 9)), 3),
        ]
        for (command, expected) in cases {
            let encoded = CommandEnvelope(clientID: 300, sequence: 1 << 40, timestampMilliseconds: 17, command: command).encoded()
            XCTAssertEqual(CommandEnvelope.writeCount(ofEncoded: encoded), expected, "\(command)")
        }
        XCTAssertNil(CommandEnvelope.writeCount(ofEncoded: []))
        XCTAssertNil(CommandEnvelope.writeCount(ofEncoded: [CommandEnvelope.encodingVersion, 1, 1, 1, 0xEE]), "unknown tag")
        XCTAssertNil(CommandEnvelope.writeCount(ofEncoded: [CommandEnvelope.encodingVersion, 1, 1, 1, 17, 200]), "truncated")
    }

    func testDecodingRejectsGarbageWithTypedErrors() {
        let valid = CommandEnvelope(clientID: 7, sequence: 3, timestampMilliseconds: 99, command: .put(key: bytes("key"), value: bytes("value"))).encoded()
        XCTAssertThrowsError(try CommandEnvelope(decoding: [])) { XCTAssertEqual($0 as? CommandDecodingError, .empty) }
        XCTAssertThrowsError(try CommandEnvelope(decoding: [9] + valid.dropFirst())) {
            XCTAssertEqual($0 as? CommandDecodingError, .unsupportedVersion(9))
        }
        XCTAssertThrowsError(try CommandEnvelope(decoding: valid + [0])) { XCTAssertEqual($0 as? CommandDecodingError, .trailingBytes(1)) }
        XCTAssertThrowsError(try CommandEnvelope(decoding: [1, 0, 0, 0, 200])) { XCTAssertEqual($0 as? CommandDecodingError, .unknownTag(200)) }
        // A hostile count cannot make the decoder allocate: it is checked against the input.
        XCTAssertThrowsError(try CommandEnvelope(decoding: [1, 0, 0, 0, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])) {
            XCTAssertEqual($0 as? CommandDecodingError, .truncated)
        }
        for length in 0..<valid.count {
            XCTAssertThrowsError(try CommandEnvelope(decoding: Array(valid.prefix(length))), "prefix of \(length) bytes decoded")
        }
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<20_000 {
            var garbage = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if Bool.random(using: &generator) && !garbage.isEmpty { garbage[0] = 1 }
            // Must either decode to something that re-encodes, or throw; never trap.
            if let decoded = try? CommandEnvelope(decoding: garbage) {
                XCTAssertNoThrow(try CommandEnvelope(decoding: decoded.encoded()))
            }
        }
    }

    func testResultsAndSessionRecordsRoundTrip() throws {
        let results: [CommandResult] = [
            .done, .compareAndSet(swapped: true, current: nil), .compareAndSet(swapped: false, current: bytes("x")),
            .counter(.min), .counter(.max), .batchCounters([]), .batchCounters([1, .min, .max]), .sortedSet(added: 1, updated: 2, removed: .max),
            .failed(.emptyKey), .failed(.keyTooLarge(size: 5000)), .failed(.invalidLimit(-3)), .failed(.staleSequence(lastApplied: 9)),
            .failed(.sessionExpired), .failed(.malformedCommand(.malformed("bad"))), .failed(.malformedCommand(.unsupportedVersion(4))),
            .failed(.counterOverflow), .failed(.notACounter), .failed(.nanScore), .failed(.invalidOffset(1 << 40)), .failed(.tooManyKeys(count: 1_001)), .failed(.replyTooLarge(bytes: 9_000_000)),
            .failed(.wrongSetKind), .failed(.batchConditionFailed(operation: 0)), .failed(.batchConditionFailed(operation: 99)),
        ]
        for result in results {
            let record = SessionRecord(lastSequence: 12, lastSeen: 34, result: result)
            let decoded = try SessionRecord(decoding: record.encoded())
            XCTAssertEqual(decoded.result, result)
            XCTAssertEqual(decoded.lastSequence, 12)
            XCTAssertEqual(decoded.lastSeen, 34)
        }
    }
}
