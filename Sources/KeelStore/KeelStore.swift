import Foundation
import RocksDB

/// The replicated state machine: applies committed commands to RocksDB and serves queries.
///
/// The store owns column families `data` (key-value pairs and sorted sets) and `meta` (applied
/// index, log time, client sessions) of a database the server opens; it knows nothing about
/// Raft or the network. The server calls ``apply(_:sync:)`` from one place with committed
/// entries in log order and reads through ``snapshot()`` from anywhere.
public final class KeelStore: @unchecked Sendable {
    // Unchecked Sendable: `sessions`, `sessionLog`, `logTime`, `batch`, `setSummaries` and
    // `needsReload` are only touched with `applyLock` held; `publishedAppliedIndex` only with
    // `publishedLock` held; `readView` only with `readViewLock` held; the rest is immutable.

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
    /// Session changes written as group records since the last fold.
    private var sessionLog = SessionLog()
    private let sessionLogBounds: SessionLog.Bounds
    private var logTime: UInt64 = 0
    private var storedAppliedIndex: UInt64 = 0
    private var needsReload = false
    private let batch = WriteBatch()
    private let setSummaries: SetSummaryCache

    private let publishedLock = NSLock()
    private var publishedAppliedIndex: UInt64 = 0

    /// The view ``snapshot()`` handed out last, with the database's sequence number read just
    /// before it was taken; only touched with `readViewLock` held.
    private let readViewLock = NSLock()
    private var readView: (sequence: UInt64, view: StoreSnapshot)?

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
    public convenience init(database: Database, configuration: StoreConfiguration = StoreConfiguration(), cachedSets: Int = 100_000) throws(RocksDBError) {
        try self.init(database: database, configuration: configuration, cachedSets: cachedSets, sessionLogBounds: .standard)
    }

    /// The designated initializer; `sessionLogBounds` decides how often session group records
    /// are folded (tests fold often), never a result.
    init(database: Database, configuration: StoreConfiguration, cachedSets: Int, sessionLogBounds: SessionLog.Bounds) throws(RocksDBError) {
        precondition(cachedSets >= 0, "cachedSets must not be negative")
        precondition(sessionLogBounds.groups > 0 && sessionLogBounds.bytes > 0, "session log bounds must be positive")
        self.database = database
        self.configuration = configuration
        self.sessionLogBounds = sessionLogBounds
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
        // Ingested files may carry no new sequence number: the shared view cannot tell.
        readViewLock.withLock { readView = nil }
        try loadState()
    }

    /// A consistent view of the data for queries, with the applied index it reflects: the
    /// state as of this call or later.
    ///
    /// Views are shared: while nothing is written to the database, every caller gets the
    /// view taken by the first one, which saves a RocksDB snapshot, a read of the applied
    /// index and their release per query. The shared view is replaced by the first call after
    /// a write, so it pins old versions only of what was overwritten since the last query
    /// (at most one copy of the data as it was then).
    /// - Throws: `RocksDBError`.
    public func snapshot() throws(RocksDBError) -> StoreSnapshot {
        // Reads run on whatever thread asks: set it there (one thread-local write).
        PerformanceCounters.disableOnCurrentThread()
        // Read before the view is taken: the view then holds every write up to `sequence`, and
        // is the current state for as long as the number stays the same.
        let sequence = try database.latestSequenceNumber()
        if let shared = readViewLock.withLock({ readView }), shared.sequence == sequence {
            return shared.view
        }
        let view = try StoreSnapshot(database: database, data: data, meta: meta)
        readViewLock.withLock {
            if readView.map({ $0.sequence < sequence }) ?? true {
                readView = (sequence, view)
            }
        }
        return view
    }

    /// Applies committed entries in one atomic write that also records the applied index.
    ///
    /// Entries at or below the stored applied index are skipped, so handing the same entries
    /// over again (after a restart) changes nothing. Within the group each command sees the
    /// effects of the ones before it. A command that fails (validation, not a counter, a stale
    /// sequence, damaged bytes) changes no data but still counts as applied. Bytes that may be a
    /// newer version's command stop the group instead (``StoreApplyError``): a newer replica
    /// applies them, and counting them as failed here would make the replicas disagree.
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
    /// - Throws: `RocksDBError` if reading or writing fails, ``StoreApplyError`` for an entry
    ///   of a newer version; nothing of the group is applied then, and the node must not
    ///   acknowledge these entries.
    public func apply(_ entries: [CommittedEntry], sync: Bool = false) throws -> [CommandResult?] {
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
            try persist(sessionChanges, appliedIndex: applied)
            try batch.put(MetaKey.appliedIndex, DataKey.bigEndian(applied), in: meta)
            try batch.put(MetaKey.logTime, DataKey.bigEndian(logTime), in: meta)
            try database.write(batch, options: WriteOptions(sync: sync))
            group.publishSummaries()
        } catch {
            // The in-memory session table may be ahead of the database now.
            needsReload = true
            if error is RocksDBError || error is StoreApplyError { throw error }
            throw RocksDBError(kind: .other, message: "KeelStore: \(error)")
        }
        storedAppliedIndex = applied
        publishedLock.withLock { publishedAppliedIndex = applied }
        return results
    }

    // MARK: Applying one entry

    /// The sessions the current group changed: each client's record after the group, or `nil`
    /// if the group removed its session. A retry later in the same group finds its result here
    /// (nothing is in RocksDB before the group ends), and the group's end writes them.
    private struct SessionChanges {
        var records: [UInt64: SessionRecord?] = [:]

        mutating func record(_ record: SessionRecord, of clientID: UInt64) {
            records.updateValue(record, forKey: clientID)
        }

        mutating func remove(_ clientID: UInt64) {
            // Assigning nil through the subscript would drop the entry instead of recording a removal.
            records.updateValue(nil, forKey: clientID)
        }
    }

    private func applyEntry(_ entry: CommittedEntry, in group: ApplyGroup, sessionChanges: inout SessionChanges) throws -> CommandResult {
        if entry.data.isEmpty {
            return .done
        }
        let envelope: CommandEnvelope
        do {
            envelope = try CommandEnvelope(decoding: entry.data)
        } catch where error.mayBeFromNewerVersion {
            throw StoreApplyError.entryFromNewerVersion(index: entry.index, error)
        } catch {
            return .failed(.malformedCommand(error))
        }
        // Log time only moves forward, whatever the clocks of successive leaders say.
        logTime = max(logTime, envelope.timestampMilliseconds)
        if logTime > configuration.sessionTimeoutMilliseconds {
            for clientID in sessions.removeSessions(seenBefore: logTime - configuration.sessionTimeoutMilliseconds) {
                sessionChanges.remove(clientID)
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
                    sessionChanges.remove(evicted)
                }
            }
        }

        let result: CommandResult
        do {
            try envelope.command.validate()
            result = try group.execute(envelope.command, entryIndex: entry.index)
        } catch let error as StoreError {
            result = .failed(error)
        }

        if hasSession {
            sessions.record(clientID: clientID, sequence: sequence, seenAt: logTime)
            sessionChanges.record(SessionRecord(lastSequence: sequence, lastSeen: logTime, result: result), of: clientID)
        }
        return result
    }

    /// The result a retry of `clientID`'s last sequence gets: from this group's changes, else
    /// from the unfolded group records (kept in memory), else from the client's own key.
    private func storedResult(of clientID: UInt64, sessionChanges: SessionChanges) throws -> CommandResult {
        let bytes: [UInt8]?
        if let change = sessionChanges.records[clientID] {
            guard let record = change else {
                throw ApplyGroup.corruption("session \(clientID) is in memory but was removed in this group")
            }
            return record.result
        } else if let change = sessionLog.change(of: clientID) {
            bytes = change
        } else {
            bytes = try database.get(MetaKey.session(clientID), in: meta)
        }
        guard let bytes else {
            throw ApplyGroup.corruption("session \(clientID) is in memory but not stored")
        }
        do {
            return try SessionRecord(decoding: bytes).result
        } catch {
            throw ApplyGroup.corruption("session \(clientID) record: \(error)")
        }
    }

    // MARK: Persisting sessions

    /// Adds the group's session changes to the batch as ONE group record under
    /// `MetaKey.sessionGroup(appliedIndex)`, or, once the unfolded records reach their bounds,
    /// folds them all (this group's included) into the per-client keys instead.
    ///
    /// One record per group rather than one key per client: each key written is a random
    /// insert into the memtable's skip list, and with a pool of sessions nearly every command
    /// of a group belongs to a different client. Where records live never changes a result: a
    /// fold happens at different indexes on replicas that group entries differently, but the
    /// logical table (per-client keys with the group records replayed over them) is the same.
    private func persist(_ changes: SessionChanges, appliedIndex: UInt64) throws(RocksDBError) {
        guard !changes.records.isEmpty else { return }
        var group = SessionGroupRecord()
        // Sorted, so the record's bytes depend only on the changes.
        for (clientID, record) in changes.records.sorted(by: { $0.key < $1.key }) {
            if let record {
                group.recorded.append(SessionGroupRecord.Recorded(clientID: clientID, record: record.encoded()))
            } else {
                group.removed.append(clientID)
            }
        }
        let encoded = group.encoded()
        // Updated before the write: if the write fails, `needsReload` rebuilds it from RocksDB.
        sessionLog.add(group, encodedSize: encoded.count)
        guard sessionLog.reaches(sessionLogBounds) else {
            try batch.put(MetaKey.sessionGroup(appliedIndex), encoded, in: meta)
            return
        }
        // Key order, so the memtable inserts walk forward (as `OrderedWrites` does for data).
        for (clientID, change) in sessionLog.latest.sorted(by: { $0.key < $1.key }) {
            if let record = change {
                try batch.put(MetaKey.session(clientID), record, in: meta)
            } else {
                try batch.delete(MetaKey.session(clientID), in: meta)
            }
        }
        try batch.deleteRange(from: MetaKey.sessionGroupPrefix, to: MetaKey.sessionGroupPrefixEnd, in: meta)
        sessionLog.removeAll()
    }

    // MARK: Loading

    private func loadState() throws(RocksDBError) {
        let applied = try database.get(MetaKey.appliedIndex, in: meta).map { DataKey.uint64($0) } ?? 0
        logTime = try database.get(MetaKey.logTime, in: meta).map { DataKey.uint64($0) } ?? 0
        let stored = try storedSessions()
        var loaded: [UInt64: SessionTable.Session] = [:]
        loaded.reserveCapacity(stored.records.count)
        for (clientID, record) in stored.records {
            let header: SessionRecord.Header
            do {
                header = try SessionRecord.decodeHeader(record)
            } catch {
                throw ApplyGroup.corruption("session \(clientID) record: \(error)")
            }
            loaded[clientID] = SessionTable.Session(lastSequence: header.lastSequence, lastSeen: header.lastSeen)
        }
        sessions = SessionTable(loaded)
        sessionLog = stored.log
        // The column families may have been replaced (a snapshot was installed).
        setSummaries.removeAll()
        storedAppliedIndex = applied
        needsReload = false
        publishedLock.withLock { publishedAppliedIndex = applied }
    }

    /// The session table in memory (what deduplication and expiry decide on), to compare with
    /// ``storedSessions()``.
    var sessionsInMemory: [UInt64: SessionTable.Session] {
        applyLock.withLock { sessions.sessions }
    }

    /// The session table as the database holds it: the per-client records, then the unfolded
    /// group records replayed over them in index order (a later group wins, a removal deletes),
    /// and those group records as a ``SessionLog``. A database without group records (written
    /// before they existed, or just folded) is read exactly as before.
    /// - Returns: client id -> encoded ``SessionRecord``, and the unfolded log.
    func storedSessions() throws(RocksDBError) -> (records: [UInt64: [UInt8]], log: SessionLog) {
        var records: [UInt64: [UInt8]] = [:]
        let sessionPrefix: [UInt8] = [MetaKey.sessionTag]
        for pair in try database.scan(in: meta, from: sessionPrefix, to: DataKey.prefixEnd(sessionPrefix)) {
            guard pair.key.count == 9 else { throw ApplyGroup.corruption("session key of \(pair.key.count) bytes") }
            records[DataKey.uint64(pair.key, at: 1)] = pair.value
        }
        var log = SessionLog()
        for pair in try database.scan(in: meta, from: MetaKey.sessionGroupPrefix, to: MetaKey.sessionGroupPrefixEnd) {
            guard pair.key.count == 9 else { throw ApplyGroup.corruption("session group key of \(pair.key.count) bytes") }
            let group: SessionGroupRecord
            do {
                group = try SessionGroupRecord(decoding: pair.value)
            } catch {
                throw ApplyGroup.corruption("session group \(DataKey.uint64(pair.key, at: 1)) record: \(error)")
            }
            for entry in group.recorded {
                records[entry.clientID] = entry.record
            }
            for clientID in group.removed {
                records[clientID] = nil
            }
            log.add(group, encodedSize: pair.value.count)
        }
        return (records, log)
    }
}
