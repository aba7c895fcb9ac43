import Foundation
import KeelRaft
@testable import KeelStore
import RocksDB
import XCTest

/// A test case with a store on a fresh database in a temporary directory (removed in
/// tearDown), and helpers that play the server: entries get consecutive indexes and a log
/// clock that the test moves by hand.
class StoreTestCase: XCTestCase {
    private(set) var directory: URL!
    private(set) var database: Database!
    private(set) var store: KeelStore!
    var configuration = StoreConfiguration()
    /// The store's set-count cache size (0 turns it off).
    var cachedSets = 200_000
    /// When the store folds its session group records (tests set small bounds to fold often).
    var sessionLogBounds = SessionLog.Bounds.standard
    /// The index the next entry gets.
    var nextIndex: UInt64 = 1
    /// The proposal timestamp the next entry gets.
    var now: UInt64 = 1_000_000

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("keel-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        nextIndex = 1
        try openStore()
    }

    override func tearDownWithError() throws {
        store = nil
        database?.close()
        database = nil
        if let directory {
            try FileManager.default.removeItem(at: directory)
        }
        directory = nil
        try super.tearDownWithError()
    }

    static var testOptions: Database.Options {
        var options = Database.Options()
        options.blockCacheSize = 4 << 20
        options.writeBufferSize = 4 << 20
        options.maxBackgroundJobs = 2
        return options
    }

    func openStore() throws {
        database = try Database(
            path: directory.appendingPathComponent("db").path,
            options: Self.testOptions,
            columnFamilies: ["raft", KeelStore.dataColumnFamilyName, KeelStore.metaColumnFamilyName]
        )
        store = try KeelStore(database: database, configuration: configuration, cachedSets: cachedSets, sessionLogBounds: sessionLogBounds)
    }

    /// Closes and reopens the database, as a restarted node does.
    func reopenStore() throws {
        store = nil
        database.close()
        database = nil
        try openStore()
    }

    func envelope(_ command: Command, client: UInt64 = 0, sequence: UInt64 = 0) -> CommandEnvelope {
        CommandEnvelope(clientID: client, sequence: sequence, timestampMilliseconds: now, command: command)
    }

    /// Wraps envelopes (or raw payloads) into entries with the next indexes.
    func entries(_ payloads: [[UInt8]]) -> [CommittedEntry] {
        payloads.map { payload in
            defer { nextIndex += 1 }
            return CommittedEntry(index: nextIndex, data: payload)
        }
    }

    /// Applies commands as one group.
    @discardableResult
    func applyGroup(_ envelopes: [CommandEnvelope], sync: Bool = false) throws -> [CommandResult] {
        let results = try store.apply(entries(envelopes.map { $0.encoded() }), sync: sync)
        XCTAssertEqual(results.count, envelopes.count)
        return results.map { $0 ?? .failed(.emptyCommand) }
    }

    /// Applies one command as its own group.
    @discardableResult
    func apply(_ command: Command, client: UInt64 = 0, sequence: UInt64 = 0) throws -> CommandResult {
        try applyGroup([envelope(command, client: client, sequence: sequence)])[0]
    }

    var view: StoreSnapshot {
        get throws { try store.snapshot() }
    }

    /// Every key-value pair of the store, through paged scans.
    func allValues(pageSize: Int = 7) throws -> [KeyValue] {
        let snapshot = try view
        var all: [KeyValue] = []
        var after: [UInt8]? = nil
        repeat {
            let page = try snapshot.scan(prefix: [], startAfter: after, limit: pageSize)
            all += page.entries
            after = page.nextStartAfter
        } while after != nil
        return all
    }

    /// Every member of a set, oldest first, through cursor paging.
    func allMembers(_ set: String, pageSize: Int = 5) throws -> [ScoredMember] {
        let snapshot = try view
        var all: [ScoredMember] = []
        var start = RangeStart.beginning
        while true {
            let page = try snapshot.range(of: bytes(set), order: .oldestFirst, from: start, limit: pageSize)
            all += page.members
            guard let next = page.nextCursor else { return all }
            start = .after(next)
        }
    }

    /// Asserts that `body` throws exactly `expected`.
    func assertThrows<T>(_ expected: StoreError, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T) {
        do {
            _ = try body()
            XCTFail("expected \(expected), got no error", file: file, line: line)
        } catch let error as StoreError {
            XCTAssertEqual(error, expected, file: file, line: line)
        } catch {
            XCTFail("expected \(expected), got \(error)", file: file, line: line)
        }
    }
}

func bytes(_ string: String) -> [UInt8] {
    Array(string.utf8)
}

func scored(_ member: String, _ score: Double) -> ScoredMember {
    ScoredMember(member: bytes(member), score: score)
}

func counterBytes(_ value: Int64) -> [UInt8] {
    withUnsafeBytes(of: UInt64(bitPattern: value).bigEndian) { Array($0) }
}

/// The project's one seeded generator (SplitMix64, from the Raft core), so a failing run
/// replays exactly.
typealias SeededGenerator = DeterministicRandom
