import Foundation
@testable import KeelStore
import RocksDB
import XCTest

/// Replicas group committed entries into apply calls differently, and their set summary caches
/// differ (size, restarts): neither may change a single byte of `data`. The same log is applied
/// to stores with different groupings, with and without the cache, and with reloads (which
/// empty the cache); `data` must be identical, key for key and byte for byte, at every point
/// where all of them have applied the same prefix of the log.
///
/// The replicas' databases live in subdirectories of the test case's directory (beside the
/// store the base class opens, which this test does not use).
final class StoredBytesDeterminismTests: StoreTestCase {
    /// How one replica applies the log.
    private struct Replica: CustomStringConvertible {
        var entriesPerApply: Int
        var cachedSets: Int
        /// Reload the store (as after a snapshot install; it empties the cache) every this many
        /// apply calls.
        var reloadEvery: Int?

        var description: String {
            "\(entriesPerApply) per apply, cache \(cachedSets)" + (reloadEvery.map { ", reload every \($0) calls" } ?? "")
        }
    }

    /// The entries between checkpoints: a multiple of every grouping below except the
    /// all-in-one one, which is compared at the end only.
    private static let checkpointInterval = 28

    func testDataBytesDependOnTheLogOnly() throws {
        try checkDataBytesDependOnTheLogOnly(Self.feedCommands(seed: 7, count: 700, entryKeyed: false))
    }

    func testEntryKeyedDataBytesDependOnTheLogOnly() throws {
        try checkDataBytesDependOnTheLogOnly(Self.feedCommands(seed: 8, count: 700, entryKeyed: true))
    }

    private func checkDataBytesDependOnTheLogOnly(_ commands: [Command]) throws {
        let replicas = [
            Replica(entriesPerApply: 1, cachedSets: 100_000, reloadEvery: nil),
            Replica(entriesPerApply: 7, cachedSets: 100_000, reloadEvery: nil),
            Replica(entriesPerApply: commands.count, cachedSets: 100_000, reloadEvery: nil),
            Replica(entriesPerApply: 1, cachedSets: 0, reloadEvery: nil),
            Replica(entriesPerApply: 7, cachedSets: 0, reloadEvery: nil),
            Replica(entriesPerApply: commands.count, cachedSets: 0, reloadEvery: nil),
            Replica(entriesPerApply: 4, cachedSets: 3, reloadEvery: 5),
        ]
        var reference: [Int: [KeyValuePair]] = [:]
        for (number, replica) in replicas.enumerated() {
            let checkpoints = try apply(commands, as: replica, in: directory.appendingPathComponent("replica\(number)"))
            XCTAssertFalse(checkpoints.isEmpty)
            for (position, data) in checkpoints.sorted(by: { $0.key < $1.key }) {
                if let expected = reference[position] {
                    // One message per checkpoint, not one per differing key.
                    XCTAssert(data == expected, "\(replica): data after entry \(position) differs (\(data.count) keys, expected \(expected.count))")
                } else {
                    reference[position] = data
                }
            }
        }
        let final = try XCTUnwrap(reference[commands.count])
        try Self.checkCountRecords(final)
    }

    /// A feed-shaped log over 12 sets capped at 6 members: fill, then inserts that each trim
    /// one member, mixed with updates below the bound, removes, remove-from-many, deletes,
    /// explicit trims and score-range removals. With `entryKeyed`, the same with the
    /// entry-keyed commands (an activity's entry has its number as the score).
    private static func feedCommands(seed: UInt64, count: Int, entryKeyed: Bool) -> [Command] {
        var generator = SeededGenerator(seed: seed)
        let sets = (0..<12).map { Array("timeline:\($0)".utf8) }
        func member(_ number: Int) -> [UInt8] { Array("activity:\(number)".utf8) }
        func someSets() -> [[UInt8]] {
            var chosen = (0..<generator.next(in: 1...6)).map { _ in sets[Int(generator.next(below: UInt64(sets.count)))] }
            if generator.chance(1, in: 10) { chosen.append(chosen[0]) }
            return chosen
        }
        var commands: [Command] = []
        var clock = 0
        while commands.count < count {
            clock += 1
            let set = sets[Int(generator.next(below: UInt64(sets.count)))]
            let old = member(Int(generator.next(below: UInt64(clock))))
            switch generator.next(below: 100) {
            case 0..<70:
                commands.append(entryKeyed
                    ? .addEntryToMany(sets: someSets(), entry: ScoredMember(member: member(clock), score: Double(clock)), maxLength: 6)
                    : .addToMany(sets: someSets(), member: member(clock), score: Double(clock), mode: .upsert, maxLength: 6))
            case 70..<76:
                // Below the lowest-score bound: lowers it at once.
                let score = Double(clock) - Double(generator.next(in: 0...40))
                let scored = ScoredMember(member: old, score: score)
                commands.append(entryKeyed
                    ? .addEntries(set: set, entries: [scored], maxLength: 6)
                    : .add(set: set, members: [scored], mode: .upsert, maxLength: 6))
            case 76..<82:
                commands.append(entryKeyed
                    ? .removeEntries(set: set, entries: [ScoredMember(member: member(clock - 1), score: Double(clock - 1))])
                    : .remove(set: set, members: [old, member(clock - 1)]))
            case 82..<86:
                let number = clock - Int(generator.next(in: 1...12))
                commands.append(entryKeyed
                    ? .removeEntryFromMany(sets: someSets(), entry: ScoredMember(member: member(number), score: Double(number)))
                    : .removeFromMany(sets: someSets(), member: member(number)))
            case 86..<90:
                commands.append(.trim(set: set, maxLength: UInt64(generator.next(in: 1...5))))
            case 90..<94:
                let low = Double(clock - generator.next(in: 5...30))
                commands.append(.removeByScoreRange(set: set, minimum: low, maximum: low + 4))
            case 94..<97:
                let members = [ScoredMember(member: member(clock), score: Double(clock)), ScoredMember(member: old, score: Double(clock + 1))]
                commands.append(entryKeyed
                    ? .addEntries(set: set, entries: members, maxLength: 6)
                    : .add(set: set, members: members, mode: .onlyIfGreater, maxLength: 6))
            default:
                commands.append(.deleteSet(set: set))
            }
        }
        return commands
    }

    /// Applies the log as `replica` does; returns `data` at every checkpoint it reaches (and
    /// at the end), keyed by the number of entries applied.
    private func apply(_ commands: [Command], as replica: Replica, in path: URL) throws -> [Int: [KeyValuePair]] {
        let database = try Database(path: path.path, options: StoreTestCase.testOptions, columnFamilies: [KeelStore.dataColumnFamilyName, KeelStore.metaColumnFamilyName])
        defer { database.close() }
        let store = try KeelStore(database: database, cachedSets: replica.cachedSets)
        let data = try XCTUnwrap(database.columnFamily(named: KeelStore.dataColumnFamilyName))
        let entries = commands.enumerated().map { position, command in
            CommittedEntry(index: UInt64(position + 1), data: CommandEnvelope(clientID: 0, sequence: 0, timestampMilliseconds: 1_000, command: command).encoded())
        }
        var checkpoints: [Int: [KeyValuePair]] = [:]
        var applied = 0
        var calls = 0
        while applied < entries.count {
            let group = Array(entries[applied..<min(applied + replica.entriesPerApply, entries.count)])
            let results = try store.apply(group)
            for (offset, result) in results.enumerated() {
                if case .failed(let error) = result {
                    XCTFail("\(replica): entry \(group[offset].index) failed: \(error)")
                }
            }
            applied += group.count
            calls += 1
            if let reloadEvery = replica.reloadEvery, calls % reloadEvery == 0 {
                try store.reload()
            }
            if applied % Self.checkpointInterval == 0 || applied == entries.count {
                checkpoints[applied] = try database.scan(in: data)
            }
        }
        return checkpoints
    }

    /// Every count record holds the set's member count and a lower bound of its members' scores.
    private static func checkCountRecords(_ data: [KeyValuePair]) throws {
        var entriesPerSet: [[UInt8]: (count: UInt64, lowest: UInt64)] = [:]
        var records: [[UInt8]: (count: UInt64, bound: UInt64)] = [:]
        for pair in data {
            let length = Int(pair.key[1]) << 8 | Int(pair.key[2])
            let set = Array(pair.key[3..<(3 + length)])
            switch pair.key[0] {
            case DataKey.entryTag:
                let entry = try XCTUnwrap(DataKey.entryContents(of: pair.key, prefixLength: 3 + length))
                let known = entriesPerSet[set] ?? (0, .max)
                entriesPerSet[set] = (known.count + 1, min(known.lowest, entry.score))
            case DataKey.countTag:
                let record = try XCTUnwrap(DataKey.countRecord(pair.value))
                records[set] = (record.count, record.lowestScore)
            default:
                break
            }
        }
        XCTAssertEqual(Set(records.keys), Set(entriesPerSet.keys))
        for (set, record) in records {
            let entries = try XCTUnwrap(entriesPerSet[set])
            XCTAssertEqual(record.count, entries.count, "count of \(String(decoding: set, as: UTF8.self))")
            XCTAssertLessThanOrEqual(record.bound, entries.lowest, "bound of \(String(decoding: set, as: UTF8.self))")
        }
    }
}
