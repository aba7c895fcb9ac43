import Foundation
import RocksDB

/// The replicated state machine: applies committed commands to RocksDB and serves queries.
///
/// The store owns column families `data` (key-value pairs and sorted sets) and `meta` (applied
/// index, log time, client sessions) of a database the server opens; it knows nothing about
/// Raft or the network. The server calls ``apply(_:sync:)`` from one place with committed
/// entries in log order and reads through ``snapshot()`` from anywhere.
public final class KeelStore: @unchecked Sendable {
    // Unchecked Sendable: `sessions`, `logTime`, `batch`, `setSummaries` and `needsReload` are only touched
    // with `applyLock` held; `publishedAppliedIndex` only with `publishedLock` held; the rest
    // is immutable.

    /// The name of the column family of user data.
    public static let dataColumnFamilyName = "data"
    /// The name of the column family of the store's bookkeeping.
    public static let metaColumnFamilyName = "meta"

    /// The database the store reads and writes.
    public let database: Database
    /// The state machine's settings; identical on every replica.
    public let configuration: StoreConfiguration
    private let data: ColumnFamily
    private let meta: ColumnFamily

    private let applyLock = NSLock()
    private var sessions = SessionTable()
    private var logTime: UInt64 = 0
    private var storedAppliedIndex: UInt64 = 0
    private var needsReload = false
    private let batch = WriteBatch()
    private let setSummaries: SetSummaryCache

    private let publishedLock = NSLock()
    private var publishedAppliedIndex: UInt64 = 0

    /// Opens the store on `database`, creating its column families if they are missing, and
    /// loads the applied index and session table.
    /// - Parameters:
    ///   - database: the node's database; the store writes only its own column families.
    ///   - configuration: session settings, the same on every replica.
    ///   - cachedSets: how many recently applied sorted sets the store keeps in memory (count
    ///     record and up to 8 lowest members, so that applying a command neither reads the
    ///     count nor seeks for a trim's victims): roughly 150 bytes plus the set key plus 8 x
    ///     (50 bytes + member) per set, about 60 MB for the default with 20-byte members.
    ///     0 turns the cache off. It never changes results, only speed.
    /// - Throws: `RocksDBError`.
    public init(database: Database, configuration: StoreConfiguration = StoreConfiguration(), cachedSets: Int = 100_000) throws(RocksDBError) {
        precondition(cachedSets >= 0, "cachedSets must not be negative")
        self.database = database
        self.configuration = configuration
        setSummaries = SetSummaryCache(capacity: cachedSets)
        data = try Self.columnFamily(Self.dataColumnFamilyName, of: database)
        meta = try Self.columnFamily(Self.metaColumnFamilyName, of: database)
        try loadState()
    }

    private static func columnFamily(_ name: String, of database: Database) throws(RocksDBError) -> ColumnFamily {
        if let existing = database.columnFamily(named: name) {
            return existing
        }
        return try database.createColumnFamily(named: name)
    }

    /// The index of the last entry applied, as of the last completed ``apply(_:sync:)``.
    public var appliedIndex: UInt64 {
        publishedLock.withLock { publishedAppliedIndex }
    }

    /// Re-reads the applied index and the session table from the database. Call it after
    /// replacing the store's column families (installing a snapshot), before applying again.
    /// - Throws: `RocksDBError`.
    public func reload() throws(RocksDBError) {
        applyLock.lock()
        defer { applyLock.unlock() }
        // RocksDB's per-thread counters cost thread-local lookups in every key comparison of
        // the memtable inserts below (and of the caller's later writes on this thread).
        PerformanceCounters.disableOnCurrentThread()
        try loadState()
    }

    /// A consistent view of the data for queries, with the applied index it reflects.
    /// - Throws: `RocksDBError`.
    public func snapshot() throws(RocksDBError) -> StoreSnapshot {
        // Reads run on whatever thread asks: set it there (one thread-local write).
        PerformanceCounters.disableOnCurrentThread()
        return try StoreSnapshot(database: database, data: data, meta: meta)
    }

    /// Applies committed entries in one atomic write that also records the applied index.
    ///
    /// Entries at or below the stored applied index are skipped, so handing the same entries
    /// over again (after a restart) changes nothing. Within the group each command sees the
    /// effects of the ones before it. A command that fails (validation, not a counter, a stale
    /// sequence, undecodable bytes) changes no data but still counts as applied.
    ///
    /// `sync: false` is safe when the Raft log is durable: a crash may lose the last groups
    /// applied, but the applied index is in the same write as their effects, so the store
    /// restarts at a consistent earlier point and the server replays the rest from the log.
    /// - Parameters:
    ///   - entries: consecutive committed entries in index order, continuing the applied index
    ///     (a prefix of already applied entries is allowed).
    ///   - sync: fsync RocksDB's write-ahead log before returning.
    /// - Returns: one result per entry: `nil` for an entry that was already applied, ``CommandResult/done``
    ///   for a no-op, otherwise the command's result.
    /// - Throws: `RocksDBError` if reading or writing fails; nothing of the group is applied
    ///   then, and the node must not acknowledge these entries.
    public func apply(_ entries: [CommittedEntry], sync: Bool = false) throws(RocksDBError) -> [CommandResult?] {
        applyLock.lock()
        defer { applyLock.unlock() }
        // RocksDB's per-thread counters cost thread-local lookups in every key comparison of
        // the memtable inserts below (and of the caller's later writes on this thread).
        PerformanceCounters.disableOnCurrentThread()
        if needsReload {
            try loadState()
        }
        let startIndex = storedAppliedIndex
        batch.clear()
        let group = ApplyGroup(database: database, data: data, batch: batch, summaries: setSummaries)
        var sessionChanges = SessionChanges()
        var results: [CommandResult?] = []
        results.reserveCapacity(entries.count)
        var applied = startIndex
        do {
            for entry in entries {
                if entry.index <= applied {
                    results.append(nil)
                    continue
                }
                precondition(entry.index == applied + 1, "KeelStore.apply: entry \(entry.index) does not follow applied index \(applied)")
                applied = entry.index
                results.append(try applyEntry(entry, in: group, sessionChanges: &sessionChanges))
            }
            guard applied != startIndex else { return results }
            try group.finish()
            try batch.put(MetaKey.appliedIndex, DataKey.bigEndian(applied), in: meta)
            try batch.put(MetaKey.logTime, DataKey.bigEndian(logTime), in: meta)
            try database.write(batch, options: WriteOptions(sync: sync))
            group.publishSummaries()
        } catch {
            // The in-memory session table may be ahead of the database now.
            needsReload = true
            throw error as? RocksDBError ?? RocksDBError(kind: .other, message: "KeelStore: \(error)")
        }
        storedAppliedIndex = applied
        publishedLock.withLock { publishedAppliedIndex = applied }
        return results
    }

    // MARK: Applying one entry

    /// Results of commands recorded by the current group, which a retry later in the same
    /// group must find before they are in RocksDB.
    private struct SessionChanges {
        var results: [UInt64: CommandResult] = [:]
    }

    private func applyEntry(_ entry: CommittedEntry, in group: ApplyGroup, sessionChanges: inout SessionChanges) throws -> CommandResult {
        if entry.data.isEmpty {
            return .done
        }
        let envelope: CommandEnvelope
        do {
            envelope = try CommandEnvelope(decoding: entry.data)
        } catch {
            return .failed(.malformedCommand(error))
        }
        // Log time only moves forward, whatever the clocks of successive leaders say.
        logTime = max(logTime, envelope.timestampMilliseconds)
        if logTime > configuration.sessionTimeoutMilliseconds {
            for clientID in sessions.removeSessions(seenBefore: logTime - configuration.sessionTimeoutMilliseconds) {
                try batch.delete(MetaKey.session(clientID), in: meta)
                sessionChanges.results[clientID] = nil
            }
        }

        let clientID = envelope.clientID
        let sequence = envelope.sequence
        let hasSession = clientID != 0 && sequence != 0
        if hasSession {
            if let session = sessions[clientID] {
                if sequence == session.lastSequence {
                    return try storedResult(of: clientID, sessionChanges: sessionChanges)
                }
                if sequence < session.lastSequence {
                    return .failed(.staleSequence(lastApplied: session.lastSequence))
                }
            } else {
                guard sequence == 1 else { return .failed(.sessionExpired) }
                if sessions.count >= configuration.maxSessions, let evicted = sessions.removeOldest() {
                    try batch.delete(MetaKey.session(evicted), in: meta)
                    sessionChanges.results[evicted] = nil
                }
            }
        }

        let result: CommandResult
        do {
            try envelope.command.validate()
            result = try group.execute(envelope.command)
        } catch let error as StoreError {
            result = .failed(error)
        }

        if hasSession {
            sessions.record(clientID: clientID, sequence: sequence, seenAt: logTime)
            sessionChanges.results[clientID] = result
            try batch.put(MetaKey.session(clientID), SessionRecord(lastSequence: sequence, lastSeen: logTime, result: result).encoded(), in: meta)
        }
        return result
    }

    private func storedResult(of clientID: UInt64, sessionChanges: SessionChanges) throws -> CommandResult {
        if let pending = sessionChanges.results[clientID] {
            return pending
        }
        guard let bytes = try database.get(MetaKey.session(clientID), in: meta) else {
            throw ApplyGroup.corruption("session \(clientID) is in memory but not stored")
        }
        do {
            return try SessionRecord(decoding: bytes).result
        } catch {
            throw ApplyGroup.corruption("session \(clientID) record: \(error)")
        }
    }

    // MARK: Loading

    private func loadState() throws(RocksDBError) {
        let applied = try database.get(MetaKey.appliedIndex, in: meta).map { DataKey.uint64($0) } ?? 0
        logTime = try database.get(MetaKey.logTime, in: meta).map { DataKey.uint64($0) } ?? 0
        var loaded: [UInt64: SessionTable.Session] = [:]
        let prefix: [UInt8] = [MetaKey.sessionTag]
        let records = try database.scan(in: meta, from: prefix, to: DataKey.prefixEnd(prefix))
        for record in records {
            guard record.key.count == 9 else { throw ApplyGroup.corruption("session key of \(record.key.count) bytes") }
            let header: SessionRecord.Header
            do {
                header = try SessionRecord.decodeHeader(record.value)
            } catch {
                throw ApplyGroup.corruption("session record: \(error)")
            }
            loaded[DataKey.uint64(record.key, at: 1)] = SessionTable.Session(lastSequence: header.lastSequence, lastSeen: header.lastSeen)
        }
        sessions = SessionTable(loaded)
        // The column families may have been replaced (a snapshot was installed).
        setSummaries.removeAll()
        storedAppliedIndex = applied
        needsReload = false
        publishedLock.withLock { publishedAppliedIndex = applied }
    }
}
