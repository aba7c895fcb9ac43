import KeelRaft
import RocksDB

/// The Raft log, hard state, snapshot metadata and member addresses in the `raft` column
/// family of the node's database; the `RaftLogStorage` the core reads.
///
/// Only the driver thread uses it, except ``write(_:)``, which the ``LogWriter`` thread runs.
/// Every change the driver persists for one `Ready` goes into one write batch
/// (``prepare(hardState:entries:sync:)``), synced when the `Ready` says so.
/// Recent entries stay in memory so that replication and apply do not read RocksDB.
///
/// A read error here is fatal: the core cannot continue on a log it cannot read, and
/// guessing would break what the node promised its peers (see `RaftLogStorage`).
final class RocksDBLogStorage: RaftLogStorage {
    let database: Database
    let family: ColumnFamily
    private(set) var hardState: HardState
    private(set) var snapshot: SnapshotMetadata
    private(set) var last: UInt64
    /// Entries `cacheStart ..< cacheStart + cache.count`, always a suffix of the log.
    private var cache: [Entry] = []
    private var cacheStart: UInt64
    private var cacheBytes = 0
    private let cacheByteLimit: Int
    private let batch = WriteBatch()
    /// Reused for every entry `prepare` adds (RocksDB copies them into the batch).
    private var keyScratch: [UInt8] = []
    private var valueScratch: [UInt8] = []

    /// Opens the log in `database`, creating the `raft` column family when missing.
    /// - Parameters:
    ///   - database: the node's database.
    ///   - bootstrapMembership: the membership a brand-new log starts with (the initial
    ///     voters of a new cluster, empty for a node that waits to be added).
    ///   - cacheByteLimit: how many bytes of recent entries to keep in memory.
    init(database: Database, bootstrapMembership: Membership, cacheByteLimit: Int = 64 << 20) throws {
        self.database = database
        family = try database.columnFamily(named: RaftRecords.columnFamilyName)
            ?? database.createColumnFamily(named: RaftRecords.columnFamilyName)
        self.cacheByteLimit = cacheByteLimit
        if let bytes = try database.get(RaftRecords.hardStateKey, in: family) {
            hardState = try RaftRecords.decodeHardState(bytes)
        } else {
            hardState = HardState()
        }
        if let bytes = try database.get(RaftRecords.snapshotKey, in: family) {
            snapshot = try RaftRecords.decodeSnapshot(bytes)
        } else {
            snapshot = SnapshotMetadata(index: 0, term: 0, membership: bootstrapMembership)
            try database.put(RaftRecords.snapshotKey, RaftRecords.encode(snapshot), in: family, options: WriteOptions(sync: true))
        }
        // The last entry is the greatest key of the entry range.
        var lastIndex = snapshot.index
        try database.forEach(
            in: family, from: RaftRecords.entryKey(snapshot.index + 1), to: [RaftRecords.entryTag + 1],
            direction: .reverse, limit: 1
        ) { key, _ in
            var index: UInt64 = 0
            for byte in key.dropFirst() { index = index << 8 | UInt64(byte) }
            lastIndex = index
            return false
        }
        last = lastIndex
        cacheStart = lastIndex + 1
    }

    // MARK: RaftLogStorage

    func initialState() -> (hardState: HardState, membership: Membership) {
        (hardState, snapshot.membership)
    }

    func firstIndex() -> UInt64 { snapshot.index + 1 }

    func lastIndex() -> UInt64 { last }

    func term(at index: UInt64) -> UInt64? {
        if index == snapshot.index { return snapshot.term }
        guard index > snapshot.index, index <= last else { return nil }
        if index >= cacheStart { return cache[Int(index - cacheStart)].term }
        return readEntries(in: index..<(index + 1), maxBytes: .max).first?.term
    }

    func entries(in range: Range<UInt64>, maxBytes: Int) -> [Entry] {
        precondition(range.lowerBound > snapshot.index && range.upperBound <= last + 1, "range outside the log")
        guard !range.isEmpty else { return [] }
        if range.lowerBound >= cacheStart {
            var result: [Entry] = []
            var bytes = 0
            for index in range {
                let entry = cache[Int(index - cacheStart)]
                bytes += entry.byteCount
                if bytes > maxBytes && !result.isEmpty { break }
                result.append(entry)
            }
            return result
        }
        return readEntries(in: range, maxBytes: maxBytes)
    }

    func snapshotMetadata() -> SnapshotMetadata { snapshot }

    private func readEntries(in range: Range<UInt64>, maxBytes: Int) -> [Entry] {
        var result: [Entry] = []
        var bytes = 0
        do {
            try database.forEach(
                in: family, from: RaftRecords.entryKey(range.lowerBound), to: RaftRecords.entryKey(range.upperBound)
            ) { _, value in
                let index = range.lowerBound + UInt64(result.count)
                let entry = try RaftRecords.decodeEntry(index: index, Array(value))
                bytes += entry.byteCount
                if bytes > maxBytes && !result.isEmpty { return false }
                result.append(entry)
                return true
            }
        } catch {
            fatalError("keel-server: cannot read the Raft log: \(error)")
        }
        precondition(!result.isEmpty, "keel-server: the Raft log has a hole at \(range.lowerBound)")
        return result
    }

    // MARK: Writes (driver thread)

    /// One `Ready`'s log writes in one batch: prepared on the driver thread, written by
    /// whichever thread does the IO (``write(_:)``, the ``LogWriter``'s), then published on
    /// the driver thread once durable.
    final class PendingWrite: @unchecked Sendable {
        // Unchecked Sendable: handed from the driver to the writer and back, used by one
        // thread at a time.
        let batch = WriteBatch()
        let hardState: HardState?
        let entries: [Entry]
        let sync: Bool

        init(hardState: HardState?, entries: [Entry], sync: Bool) {
            self.hardState = hardState
            self.entries = entries
            self.sync = sync
        }
    }

    /// Persists what one `Ready` asks for in one write batch: the hard state, and `entries`,
    /// which replace any stored entries from `entries.first.index` on.
    /// - Parameter sync: fsync the write-ahead log before returning.
    /// - Throws: `RocksDBError`; nothing of the batch is then durable or visible.
    func persist(hardState newHardState: HardState?, entries: [Entry], sync: Bool) throws {
        guard let pending = try prepare(hardState: newHardState, entries: entries, sync: sync) else { return }
        try write(pending)
        publish(pending)
    }

    /// Builds the batch for one `Ready`'s writes; nil when there is nothing to write. Only one
    /// prepared write may be outstanding: the next is prepared after this one is published.
    func prepare(hardState newHardState: HardState?, entries: [Entry], sync: Bool) throws -> PendingWrite? {
        guard newHardState != nil || !entries.isEmpty else { return nil }
        let pending = PendingWrite(hardState: newHardState, entries: entries, sync: sync)
        if let first = entries.first {
            precondition(first.index > snapshot.index && first.index <= last + 1, "append would leave a gap")
            if first.index <= last {
                try pending.batch.deleteRange(
                    from: RaftRecords.entryKey(first.index), to: RaftRecords.entryKey(last + 1), in: family
                )
            }
            for entry in entries {
                RaftRecords.entryKey(entry.index, into: &keyScratch)
                RaftRecords.encode(entry, into: &valueScratch)
                try pending.batch.put(keyScratch, valueScratch, in: family)
            }
        }
        if let newHardState {
            try pending.batch.put(RaftRecords.hardStateKey, RaftRecords.encode(newHardState), in: family)
        }
        return pending
    }

    /// Writes (and, when asked, fsyncs) a prepared batch. Safe on any thread: it touches
    /// only the batch and the database, not what the core reads.
    /// - Throws: `RocksDBError`; nothing of the batch is then durable or visible.
    func write(_ pending: PendingWrite) throws {
        try database.write(pending.batch, options: WriteOptions(sync: pending.sync))
    }

    /// Makes a written batch part of the log the core reads (driver thread).
    func publish(_ pending: PendingWrite) {
        if let newHardState = pending.hardState { hardState = newHardState }
        if let first = pending.entries.first {
            cacheAppend(pending.entries, from: first.index)
            last = pending.entries.last!.index
        }
    }

    private func cacheAppend(_ entries: [Entry], from first: UInt64) {
        if first < cacheStart {
            cache.removeAll()
            cacheBytes = 0
            cacheStart = first
        } else if first < cacheStart + UInt64(cache.count) {
            let keep = Int(first - cacheStart)
            for entry in cache[keep...] { cacheBytes -= entry.byteCount }
            cache.removeSubrange(keep...)
        } else if cache.isEmpty {
            cacheStart = first
        }
        cache.append(contentsOf: entries)
        for entry in entries { cacheBytes += entry.byteCount }
        if cacheBytes > cacheByteLimit {
            // Evict the oldest half in one go, so eviction costs amortised O(1) per entry.
            var drop = 0
            var dropped = 0
            while drop < cache.count - 1 && dropped < cacheBytes / 2 {
                dropped += cache[drop].byteCount
                drop += 1
            }
            cache.removeFirst(drop)
            cacheBytes -= dropped
            cacheStart += UInt64(drop)
        }
    }

    /// Records a snapshot this node took of its own state machine and removes the entries it
    /// covers with one range delete.
    ///
    /// The state machine lives in the same database, applied before this call through the
    /// same write-ahead log, so no state the snapshot claims can be lost while the entries
    /// it replaces are gone: RocksDB recovers a prefix of its WAL, never a later write
    /// without an earlier one.
    func compact(to metadata: SnapshotMetadata) throws {
        guard metadata.index > snapshot.index else { return }
        precondition(metadata.index <= last, "cannot compact beyond the log")
        batch.clear()
        try batch.put(RaftRecords.snapshotKey, RaftRecords.encode(metadata), in: family)
        try batch.deleteRange(
            from: RaftRecords.entryKey(snapshot.index + 1), to: RaftRecords.entryKey(metadata.index + 1), in: family
        )
        try database.write(batch, options: WriteOptions(sync: false))
        snapshot = metadata
        if cacheStart <= metadata.index {
            let drop = min(cache.count, Int(metadata.index + 1 - cacheStart))
            for entry in cache[..<drop] { cacheBytes -= entry.byteCount }
            cache.removeFirst(drop)
            cacheStart = metadata.index + 1
        }
    }

    /// Replaces the whole log by a snapshot received from the leader, and removes the
    /// install-in-progress marker, in one synced write.
    func applySnapshot(_ metadata: SnapshotMetadata) throws {
        batch.clear()
        try batch.deleteRange(from: [RaftRecords.entryTag], to: [RaftRecords.entryTag + 1], in: family)
        try batch.put(RaftRecords.snapshotKey, RaftRecords.encode(metadata), in: family)
        var newHardState = hardState
        newHardState.commit = max(newHardState.commit, metadata.index)
        try batch.put(RaftRecords.hardStateKey, RaftRecords.encode(newHardState), in: family)
        try batch.delete(RaftRecords.installKey, in: family)
        try database.write(batch, options: WriteOptions(sync: true))
        hardState = newHardState
        snapshot = metadata
        last = metadata.index
        cache.removeAll()
        cacheBytes = 0
        cacheStart = metadata.index + 1
    }

    /// Makes this log that of a new cluster with the single voter `node`: the snapshot
    /// record becomes `metadata` (whose membership is `{node}`), every entry is removed, the
    /// commit index becomes the snapshot's index and every other member's address is
    /// forgotten, in one synced write. Only for ``SingleNodeRecovery``, before the core starts.
    func resetToSingleVoter(_ node: UInt64, snapshot metadata: SnapshotMetadata) throws {
        batch.clear()
        try batch.deleteRange(from: [RaftRecords.entryTag], to: [RaftRecords.entryTag + 1], in: family)
        try batch.put(RaftRecords.snapshotKey, RaftRecords.encode(metadata), in: family)
        var newHardState = hardState
        newHardState.commit = metadata.index
        try batch.put(RaftRecords.hardStateKey, RaftRecords.encode(newHardState), in: family)
        for member in try addresses().keys where member != node {
            try batch.delete(RaftRecords.addressKey(member), in: family)
        }
        try database.write(batch, options: WriteOptions(sync: true))
        hardState = newHardState
        snapshot = metadata
        last = metadata.index
        cache.removeAll()
        cacheBytes = 0
        cacheStart = metadata.index + 1
    }

    // MARK: Member addresses and the install marker

    /// Every stored member address.
    func addresses() throws -> [UInt64: MemberAddress] {
        var result: [UInt64: MemberAddress] = [:]
        for record in try database.scan(in: family, from: [RaftRecords.addressTag], to: [RaftRecords.addressTag + 1]) {
            var reader = BinaryReader(record.key)
            _ = try reader.uint8()
            result[try reader.uint64()] = try MemberAddress(decoding: record.value)
        }
        return result
    }

    func storeAddress(_ address: MemberAddress, of node: UInt64) throws {
        try database.put(RaftRecords.addressKey(node), address.encoded(), in: family)
    }

    func removeAddress(of node: UInt64) throws {
        try database.delete(RaftRecords.addressKey(node), in: family)
    }

    /// Durably notes that a received snapshot is being installed from `directory`.
    func markInstall(_ metadata: SnapshotMetadata, directory: String) throws {
        var bytes = RaftRecords.encode(metadata)
        BinaryCoding.append(string: directory, to: &bytes)
        try database.put(RaftRecords.installKey, bytes, in: family, options: WriteOptions(sync: true))
    }

    /// The snapshot install a crash interrupted, if any.
    func pendingInstall() throws -> (metadata: SnapshotMetadata, directory: String)? {
        guard let bytes = try database.get(RaftRecords.installKey, in: family) else { return nil }
        var reader = BinaryReader(bytes)
        let metadata = try RaftRecords.decodeSnapshot(&reader)
        return (metadata, try reader.string())
    }
}
