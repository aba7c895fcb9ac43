#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RocksDB

/// Executes the commands of one apply call into one write batch.
///
/// Nothing reaches RocksDB before the batch is written, so reads made mid-group would not
/// see the group's own writes. The group therefore keeps an overlay of what it wrote: pending
/// key-value pairs, and per sorted set its count and touched members (``PendingSortedSet``).
/// Every read goes through the overlay first; range reads merge it with an iterator created
/// over the state at the start of the group. The store is the only writer of `data`, and it
/// applies one group at a time, so RocksDB's state does not move under the group.
final class ApplyGroup {
    private let database: Database
    private let data: ColumnFamily
    let batch: WriteBatch
    /// Point writes to `data`, added to `batch` in key order (see ``OrderedWrites``).
    private var writes = OrderedWrites()
    private var values: [ByteString: [UInt8]?] = [:]
    private var sets: [ByteString: PendingSortedSet] = [:]
    private var storedEntries: Iterator?
    // Reused for every key built, so the hot path does not allocate per key.
    private var keyBuffer: [UInt8] = []
    private var scoreBuffer: [UInt8] = []

    private let summaries: SetSummaryCache

    init(database: Database, data: ColumnFamily, batch: WriteBatch, summaries: SetSummaryCache) {
        self.database = database
        self.data = data
        self.batch = batch
        self.summaries = summaries
        keyBuffer.reserveCapacity(2 * StoreLimits.maxKeySize + 16)
        scoreBuffer.reserveCapacity(16)
    }

    /// Runs a validated command, the one of the entry at log index `entryIndex` (which decides
    /// when a trim refreshes a set's lowest-score bound, see ``BoundRefreshRule``).
    /// - Throws: ``StoreError`` for a failure decided before any write (not a counter,
    ///   overflow), `RocksDBError` if RocksDB fails.
    func execute(_ command: Command, entryIndex: UInt64) throws -> CommandResult {
        switch command {
        case .put(let key, let value):
            try putValue(value, for: key)
            return .done
        case .delete(let key):
            try deleteValue(for: key)
            return .done
        case .compareAndSet(let key, let expected, let newValue):
            let current = try value(for: key)
            guard expected.isMet(by: current) else { return .compareAndSet(swapped: false, current: current) }
            try write(newValue, for: key)
            return .compareAndSet(swapped: true, current: nil)
        case .increment(let key, let delta):
            let sum = try Self.increment(try value(for: key), by: delta)
            try putValue(DataKey.bigEndian(UInt64(bitPattern: sum)), for: key)
            return .counter(sum)
        case .batch(let operations):
            let plan = try plan(operations)
            for (key, value) in plan.writes {
                try write(value, for: key)
            }
            return plan.counters.isEmpty ? .done : .batchCounters(plan.counters)
        case .add(let set, let members, let mode, let maxLength):
            let pending = try sortedSet(set, adopting: .memberKeyed)
            var totals = Totals()
            for scored in members {
                try add(scored.member, score: OrderedScore.encode(scored.score), mode: mode, to: pending, totals: &totals)
            }
            totals.removed += try trimAfterAdd(pending, to: maxLength, entryIndex: entryIndex)
            return totals.result
        case .addToMany(let sets, let member, let score, let mode, let maxLength):
            let encoded = OrderedScore.encode(score)
            let pendingSets = try sortedSets(sets, adopting: .memberKeyed)
            try readStoredScores(of: member, in: pendingSets)
            var totals = Totals()
            for (position, pending) in pendingSets.enumerated() {
                try add(member, score: encoded, mode: mode, to: pending, stored: storedScores[position], totals: &totals)
                totals.removed += try trimAfterAdd(pending, to: maxLength, entryIndex: entryIndex)
            }
            return totals.result
        case .remove(let set, let members):
            let pending = try sortedSet(set, accepting: .memberKeyed)
            var removed: UInt64 = 0
            for member in members {
                if try remove(member, from: pending) { removed += 1 }
            }
            return .sortedSet(added: 0, updated: 0, removed: removed)
        case .removeFromMany(let sets, let member):
            let pendingSets = try sortedSets(sets, accepting: .memberKeyed)
            try readStoredScores(of: member, in: pendingSets)
            var removed: UInt64 = 0
            for (position, pending) in pendingSets.enumerated() {
                if try remove(member, from: pending, stored: storedScores[position]) { removed += 1 }
            }
            return .sortedSet(added: 0, updated: 0, removed: removed)
        case .deleteSet(let set):
            let pending = try sortedSet(set)
            let removed = pending.count
            try deleteStoredMembers(of: pending)
            return .sortedSet(added: 0, updated: 0, removed: removed)
        case .trim(let set, let maxLength):
            // An explicit trim is rare and may drop many members: it always refreshes.
            let removed = try trim(try sortedSet(set), to: maxLength, refreshingBound: true)
            return .sortedSet(added: 0, updated: 0, removed: removed)
        case .removeByScoreRange(let set, let minimum, let maximum):
            let pending = try sortedSet(set)
            let low = OrderedScore.encode(minimum)
            let high = OrderedScore.encode(maximum)
            guard low <= high else { return .sortedSet(added: 0, updated: 0, removed: 0) }
            let victims = try entries(of: pending, scoredIn: low, high)
            for victim in victims {
                try removeEntry(victim, from: pending)
            }
            return .sortedSet(added: 0, updated: 0, removed: UInt64(victims.count))
        case .addEntries(let set, let entries, let maxLength):
            let pending = try sortedSet(set, adopting: .entryKeyed)
            var added: UInt64 = 0
            for scored in entries {
                let entry = ScoredEntry(scored)
                if try !isPresent(entry, in: pending) {
                    putEntry(entry, in: pending)
                    added += 1
                }
            }
            let removed = try trimAfterAdd(pending, to: maxLength, entryIndex: entryIndex)
            return .sortedSet(added: added, updated: 0, removed: removed)
        case .addEntryToMany(let sets, let scored, let maxLength):
            let entry = ScoredEntry(scored)
            let pendingSets = try sortedSets(sets, adopting: .entryKeyed)
            try readStoredPresence(of: entry, in: pendingSets)
            var totals = Totals()
            for (position, pending) in pendingSets.enumerated() {
                if try !isPresent(entry, in: pending, stored: storedScores[position]) {
                    putEntry(entry, in: pending)
                    totals.added += 1
                }
                totals.removed += try trimAfterAdd(pending, to: maxLength, entryIndex: entryIndex)
            }
            return totals.result
        case .removeEntries(let set, let entries):
            let pending = try sortedSet(set, accepting: .entryKeyed)
            var removed: UInt64 = 0
            for scored in entries {
                let entry = ScoredEntry(scored)
                if try isPresent(entry, in: pending) {
                    try removeEntry(entry, from: pending)
                    removed += 1
                }
            }
            return .sortedSet(added: 0, updated: 0, removed: removed)
        case .removeEntryFromMany(let sets, let scored):
            let entry = ScoredEntry(scored)
            let pendingSets = try sortedSets(sets, accepting: .entryKeyed)
            try readStoredPresence(of: entry, in: pendingSets)
            var removed: UInt64 = 0
            for (position, pending) in pendingSets.enumerated() {
                if try isPresent(entry, in: pending, stored: storedScores[position]) {
                    try removeEntry(entry, from: pending)
                    removed += 1
                }
            }
            return .sortedSet(added: 0, updated: 0, removed: removed)
        }
    }

    /// Adds the sorted-set counts the group changed, then every point write the group
    /// collected (in key order), to the batch. Call once, after the last command.
    func finish() throws(RocksDBError) {
        for pending in sets.values where pending.isDirty {
            DataKey.count(pending.key, into: &keyBuffer)
            if pending.count == 0 {
                writes.delete(keyBuffer)
            } else {
                scoreBuffer.removeAll(keepingCapacity: true)
                DataKey.appendCountRecord(count: pending.count, lowestScore: pending.lowestScore, kind: pending.kind, to: &scoreBuffer)
                writes.put(keyBuffer, scoreBuffer)
            }
        }
        try writes.flush(into: batch, in: data)
    }

    /// Lowest entries kept per set in ``SetSummaryCache``: enough for several trims between seeks.
    static let cachedHeadLength = 8

    /// Hands the summary (count record and lowest entries) of every set the group used to the
    /// cache. Call only after the group's batch is written: the cache must never run ahead of
    /// RocksDB.
    func publishSummaries() {
        for pending in sets.values {
            summaries.store(pending.summary(headLength: Self.cachedHeadLength), for: pending.key)
        }
    }

    // MARK: Key-value pairs

    private func value(for key: [UInt8]) throws(RocksDBError) -> [UInt8]? {
        if let pending = values[ByteString(key)] {
            return pending
        }
        DataKey.value(key, into: &keyBuffer)
        return try database.get(keyBuffer, in: data)
    }

    private func putValue(_ value: [UInt8], for key: [UInt8]) throws(RocksDBError) {
        DataKey.value(key, into: &keyBuffer)
        writes.put(keyBuffer, value)
        values[ByteString(key)] = .some(value)
    }

    /// Puts `value`, or deletes the key when it is `nil`.
    private func write(_ value: [UInt8]?, for key: [UInt8]) throws(RocksDBError) {
        if let value {
            try putValue(value, for: key)
        } else {
            try deleteValue(for: key)
        }
    }

    /// What a batch writes, in order, and the values of its increments, each operation
    /// judged on the values the operations before it leave. Writes nothing.
    /// - Throws: ``StoreError/batchConditionFailed(operation:)`` for the first compare-and-set
    ///   whose condition does not hold, ``StoreError/notACounter`` or
    ///   ``StoreError/counterOverflow`` for the first increment that cannot be made.
    private func plan(_ operations: [Command.BatchOperation]) throws -> (writes: [([UInt8], [UInt8]?)], counters: [Int64]) {
        var writes: [([UInt8], [UInt8]?)] = []
        writes.reserveCapacity(operations.count)
        var counters: [Int64] = []
        // The batch's own writes so far, for the operations that read a key.
        var written: [ByteString: [UInt8]?] = [:]
        func current(_ key: [UInt8]) throws -> [UInt8]? {
            if let earlier = written[ByteString(key)] { return earlier }
            return try value(for: key)
        }
        for (index, operation) in operations.enumerated() {
            let key = operation.key
            let newValue: [UInt8]?
            switch operation {
            case .put(_, let value):
                newValue = value
            case .delete:
                newValue = nil
            case .compareAndSet(_, let expected, let replacement):
                guard expected.isMet(by: try current(key)) else { throw StoreError.batchConditionFailed(operation: index) }
                newValue = replacement
            case .increment(_, let delta):
                let sum = try Self.increment(try current(key), by: delta)
                counters.append(sum)
                newValue = DataKey.bigEndian(UInt64(bitPattern: sum))
            }
            writes.append((key, newValue))
            written.updateValue(newValue, forKey: ByteString(key))
        }
        return (writes, counters)
    }

    /// The counter `current` (absent: 0) plus `delta`.
    /// - Throws: ``StoreError/notACounter`` when `current` is not 8 bytes,
    ///   ``StoreError/counterOverflow`` when the sum leaves Int64.
    private static func increment(_ current: [UInt8]?, by delta: Int64) throws(StoreError) -> Int64 {
        var counter: Int64 = 0
        if let current {
            guard current.count == 8 else { throw .notACounter }
            counter = Int64(bitPattern: DataKey.uint64(current))
        }
        let (sum, overflow) = counter.addingReportingOverflow(delta)
        guard !overflow else { throw .counterOverflow }
        return sum
    }

    private func deleteValue(for key: [UInt8]) throws(RocksDBError) {
        DataKey.value(key, into: &keyBuffer)
        writes.delete(keyBuffer)
        // Assigning nil through the subscript would drop the entry instead of recording a delete.
        values.updateValue(nil, forKey: ByteString(key))
    }

    // MARK: Sorted sets

    private struct Totals {
        var added: UInt64 = 0
        var updated: UInt64 = 0
        var removed: UInt64 = 0
        var result: CommandResult { .sortedSet(added: added, updated: updated, removed: removed) }
    }

    private func sortedSet(_ set: [UInt8]) throws -> PendingSortedSet {
        if let pending = sets[ByteString(set)] {
            return pending
        }
        let cached = summaries.summary(of: set)
        let pending = PendingSortedSet(key: set, stored: try cached ?? storedSummary(of: set))
        if cached == nil, pending.kind == .entryKeyed, pending.count > 0, let top = try highestStoredEntry(of: set) {
            // One seek per set the cache did not hold; the adds that follow above this entry
            // (a timeline's new activities) then need no read to know they are new.
            pending.learnTop(top)
        }
        sets[ByteString(set)] = pending
        return pending
    }

    /// The set's highest stored entry: its first member entry key (entries lie highest first).
    private func highestStoredEntry(of set: [UInt8]) throws -> ScoredEntry? {
        let iterator = try iterator()
        DataKey.setPrefix(DataKey.entryTag, set, into: &keyBuffer)
        iterator.seek(to: keyBuffer)
        let prefixLength = keyBuffer.count
        let entry = try currentEntry(of: iterator, prefixLength: prefixLength)
        if entry == nil, !iterator.isValid {
            try iterator.checkStatus()
        }
        return entry
    }

    /// The set, for a command of `kind` that only reads or removes.
    /// - Throws: ``StoreError/wrongSetKind`` if the set is not empty and of the other kind.
    private func sortedSet(_ set: [UInt8], accepting kind: SetKind) throws -> PendingSortedSet {
        let pending = try sortedSet(set)
        guard pending.accepts(kind) else { throw StoreError.wrongSetKind }
        return pending
    }

    /// The set, of `kind` from now on, for a command that may add to it.
    /// - Throws: ``StoreError/wrongSetKind`` if the set is not empty and of the other kind.
    private func sortedSet(_ set: [UInt8], adopting kind: SetKind) throws -> PendingSortedSet {
        let pending = try sortedSet(set, accepting: kind)
        pending.adopt(kind)
        return pending
    }

    /// The sets of a many-set command of `kind`; every one is checked before any changes kind,
    /// so a failing command leaves them all as they were.
    private func sortedSets(_ sets: [[UInt8]], accepting kind: SetKind) throws -> [PendingSortedSet] {
        let pendingSets = try sets.map { set in try sortedSet(set) }
        guard pendingSets.allSatisfy({ $0.accepts(kind) }) else { throw StoreError.wrongSetKind }
        return pendingSets
    }

    private func sortedSets(_ sets: [[UInt8]], adopting kind: SetKind) throws -> [PendingSortedSet] {
        let pendingSets = try sortedSets(sets, accepting: kind)
        for pending in pendingSets {
            pending.adopt(kind)
        }
        return pendingSets
    }

    private func storedSummary(of set: [UInt8]) throws -> SetSummary {
        DataKey.count(set, into: &keyBuffer)
        let stored = try database.withValue(of: keyBuffer, in: data) { value in
            guard let record = DataKey.countRecord(value) else { throw Self.corruption("sorted-set count is \(value.count) bytes") }
            return SetSummary(count: record.count, lowestScore: record.lowestScore, kind: record.kind, head: [])
        }
        return stored ?? .empty
    }

    /// What RocksDB's member index held for one (set, member) at the start of the group, read
    /// ahead for a command that touches many sets. For an entry-keyed set: whether it held the
    /// entry (its score if so).
    enum StoredScore {
        /// Not read ahead: ask RocksDB when needed.
        case unread
        /// The member's encoded score, or `nil` if it was not in the set.
        case read(UInt64?)
    }

    /// Per set of the current many-set command: its member index entry, read ahead.
    private var storedScores: [StoredScore] = []
    /// The member index keys of one read ahead, back to back.
    private var lookupKeys: [UInt8] = []
    private var lookupKeyEnds: [Int] = []
    private var lookupPositions: [Int] = []

    /// Reads the member index entries of `member` in every set of `pendingSets` that the group
    /// does not already know the answer for, in one batched RocksDB lookup, into
    /// `storedScores` (one per set, in order). One batched read costs less than one read per
    /// set: RocksDB shares the memtable, filter and index lookups among the keys.
    private func readStoredScores(of member: [UInt8], in pendingSets: [PendingSortedSet]) throws {
        try readAhead(
            in: pendingSets,
            isKnown: { pending in pending.knownScore(of: member) != nil },
            key: { pending, key in DataKey.member(pending.key, member, into: &key) },
            stored: { value throws(RocksDBError) in
                guard let value else { return nil }
                guard value.count == 8 else { throw Self.corruption("member index value is \(value.count) bytes") }
                return DataKey.uint64(value)
            }
        )
    }

    /// Like ``readStoredScores(of:in:)`` for an entry-keyed command: reads whether each set
    /// (that the group has not answered for) holds the entry's key.
    private func readStoredPresence(of entry: ScoredEntry, in pendingSets: [PendingSortedSet]) throws {
        try readAhead(
            in: pendingSets,
            isKnown: { pending in pending.knownPresence(of: entry) != nil },
            key: { pending, key in DataKey.entry(pending.key, score: entry.score, member: entry.member, into: &key) },
            stored: { value in value == nil ? nil : entry.score }
        )
    }

    /// Fills `storedScores` (one per set of `pendingSets`) with one batched RocksDB lookup of
    /// the key `key` builds for each set `isKnown` does not answer for.
    private func readAhead(
        in pendingSets: [PendingSortedSet],
        isKnown: (PendingSortedSet) -> Bool,
        key: (PendingSortedSet, inout [UInt8]) -> Void,
        stored: (UnsafeRawBufferPointer?) throws(RocksDBError) -> UInt64?
    ) throws {
        storedScores.removeAll(keepingCapacity: true)
        lookupKeys.removeAll(keepingCapacity: true)
        lookupKeyEnds.removeAll(keepingCapacity: true)
        lookupPositions.removeAll(keepingCapacity: true)
        for (position, pending) in pendingSets.enumerated() {
            storedScores.append(.unread)
            guard !isKnown(pending) else { continue }
            key(pending, &keyBuffer)
            lookupKeys.append(contentsOf: keyBuffer)
            lookupKeyEnds.append(lookupKeys.count)
            lookupPositions.append(position)
        }
        // A single key gains nothing from batching; it is read when needed.
        guard lookupPositions.count > 1 else { return }
        try database.withValues(ofPacked: lookupKeys, ends: lookupKeyEnds, in: data) { lookup, value in
            storedScores[lookupPositions[lookup]] = .read(try stored(value))
        }
    }

    /// Whether the entry-keyed set holds `entry`: from the group's changes, the read ahead, or
    /// RocksDB.
    private func isPresent(_ entry: ScoredEntry, in pending: PendingSortedSet, stored: StoredScore = .unread) throws -> Bool {
        if let known = pending.knownPresence(of: entry) {
            return known
        }
        if case .read(let score) = stored {
            return score != nil
        }
        DataKey.entry(pending.key, score: entry.score, member: entry.member, into: &keyBuffer)
        return try database.withValue(of: keyBuffer, in: data) { _ in true } ?? false
    }

    /// Adds an entry the entry-keyed set does not hold: its entry key alone, no member index.
    private func putEntry(_ entry: ScoredEntry, in pending: PendingSortedSet) {
        DataKey.entry(pending.key, score: entry.score, member: entry.member, into: &keyBuffer)
        writes.put(keyBuffer, EmptyCollection<UInt8>())
        pending.setPresent(entry, wasPresent: false)
    }

    private func score(of member: [UInt8], in pending: PendingSortedSet, stored: StoredScore = .unread) throws -> UInt64? {
        // The group's own changes first: a set named twice in one command was read ahead
        // before the first of its adds.
        if let known = pending.knownScore(of: member) {
            return known
        }
        if case .read(let score) = stored {
            return score
        }
        DataKey.member(pending.key, member, into: &keyBuffer)
        return try database.withValue(of: keyBuffer, in: data) { value in
            guard value.count == 8 else { throw Self.corruption("member index value is \(value.count) bytes") }
            return DataKey.uint64(value)
        }
    }

    private func add(_ member: [UInt8], score: UInt64, mode: Command.AddMode, to pending: PendingSortedSet, stored: StoredScore = .unread, totals: inout Totals) throws {
        guard let old = try self.score(of: member, in: pending, stored: stored) else {
            try setScore(score, of: member, replacing: nil, in: pending)
            totals.added += 1
            return
        }
        let replace: Bool
        switch mode {
        case .upsert: replace = score != old
        case .onlyIfAbsent: replace = false
        case .onlyIfGreater: replace = score > old
        }
        if replace {
            try setScore(score, of: member, replacing: old, in: pending)
            totals.updated += 1
        }
    }

    private func setScore(_ score: UInt64, of member: [UInt8], replacing old: UInt64?, in pending: PendingSortedSet) throws(RocksDBError) {
        if let old {
            DataKey.entry(pending.key, score: old, member: member, into: &keyBuffer)
            writes.delete(keyBuffer)
        }
        DataKey.entry(pending.key, score: score, member: member, into: &keyBuffer)
        writes.put(keyBuffer, EmptyCollection<UInt8>())
        DataKey.member(pending.key, member, into: &keyBuffer)
        scoreBuffer.removeAll(keepingCapacity: true)
        DataKey.appendUInt64(score, to: &scoreBuffer)
        writes.put(keyBuffer, scoreBuffer)
        pending.setPresent(ScoredEntry(score: score, member: member), wasPresent: old != nil)
    }

    private func remove(_ member: [UInt8], from pending: PendingSortedSet, stored: StoredScore = .unread) throws -> Bool {
        guard let score = try score(of: member, in: pending, stored: stored) else { return false }
        try removeEntry(ScoredEntry(score: score, member: member), from: pending)
        return true
    }

    private func removeEntry(_ entry: ScoredEntry, from pending: PendingSortedSet) throws(RocksDBError) {
        DataKey.entry(pending.key, score: entry.score, member: entry.member, into: &keyBuffer)
        writes.delete(keyBuffer)
        if pending.kind == .memberKeyed {
            DataKey.member(pending.key, entry.member, into: &keyBuffer)
            writes.delete(keyBuffer)
        }
        pending.markRemoved(entry)
    }

    /// Deletes every stored entry of the set with two range deletes (no scan, whatever the
    /// size); the batch applies them after the group's earlier writes to the set and before
    /// its later ones.
    private func deleteStoredMembers(of pending: PendingSortedSet) throws(RocksDBError) {
        // Point writes made so far must stay before the range deletes.
        try writes.flush(into: batch, in: data)
        // An entry-keyed set has no member index (an empty set of that kind, after the group
        // removed the other kind's members, has none left either).
        for tag in pending.kind == .memberKeyed ? [DataKey.entryTag, DataKey.memberTag] : [DataKey.entryTag] {
            let start = DataKey.setPrefix(tag, pending.key)
            // A prefix starting with a tag byte below 0xFF always has an end.
            try batch.deleteRange(from: start, to: DataKey.prefixEnd(start)!, in: data)
        }
        pending.clear()
    }

    /// The trim of an add or add-to-many with a maximum length: the set's bound is refreshed
    /// by ``BoundRefreshRule`` (a full feed's insert plus trim usually leaves it alone).
    private func trimAfterAdd(_ pending: PendingSortedSet, to maxLength: UInt64?, entryIndex: UInt64) throws -> UInt64 {
        guard let maxLength, pending.count > maxLength else { return 0 }
        return try trim(pending, to: maxLength, refreshingBound: BoundRefreshRule.refreshes(entryIndex: entryIndex, set: pending.key))
    }

    /// Removes the lowest-scored members until at most `maxLength` remain.
    ///
    /// Without `refreshingBound` the set's lowest-score bound stays as it was (still a lower
    /// bound, as only the lowest members go), so a full feed's insert plus trim leaves the
    /// count record unchanged and ``finish()`` does not rewrite it.
    private func trim(_ pending: PendingSortedSet, to maxLength: UInt64, refreshingBound: Bool) throws -> UInt64 {
        guard pending.count > maxLength else { return 0 }
        let excess = Int(pending.count - maxLength)
        // For a refresh, one entry more than the victims: the first survivor is the set's new
        // lowest score, so later scans skip the deleted end of the set (a queue's tombstones).
        let lowest = try lowestEntries(of: pending, count: refreshingBound ? excess + 1 : excess)
        for victim in lowest.prefix(excess) {
            try removeEntry(victim, from: pending)
        }
        if refreshingBound, lowest.count > excess {
            pending.lowestScore = lowest[excess].score
        }
        return UInt64(min(excess, lowest.count))
    }

    /// The `count` lowest entries of the merged view, in order.
    private func lowestEntries(of pending: PendingSortedSet, count: Int) throws -> [ScoredEntry] {
        let touched = pending.presentMembersInOrder()
        var touchedIndex = 0
        var lowest: [ScoredEntry] = []
        lowest.reserveCapacity(count)
        var storedPosition = 0
        var nextStored = try nextStoredEntry(of: pending, at: &storedPosition)
        while lowest.count < count {
            let takeStored: Bool
            switch (nextStored, touchedIndex < touched.count ? touched[touchedIndex] : nil) {
            case (nil, nil): return lowest
            case (.some, nil): takeStored = true
            case (nil, .some): takeStored = false
            case (.some(let fromStore), .some(let fromGroup)): takeStored = fromStore < fromGroup
            }
            if takeStored {
                lowest.append(nextStored!)
                nextStored = try nextStoredEntry(of: pending, at: &storedPosition)
            } else {
                lowest.append(touched[touchedIndex])
                touchedIndex += 1
            }
        }
        return lowest
    }

    /// The first stored entry at or after `position` in the set's stored head that the group
    /// has not hidden; `position` moves past it. Reads RocksDB only to extend the stored head
    /// (kept across groups by ``SetSummaryCache``), so a trim at steady state rarely seeks.
    private func nextStoredEntry(of pending: PendingSortedSet, at position: inout Int) throws -> ScoredEntry? {
        if pending.cleared { return nil }
        while true {
            if position == pending.storedHead.count {
                guard pending.storedHead.count < pending.storedCount else { return nil }
                // Growing reads keep a long trim at a logarithmic number of seeks.
                try extendStoredHead(of: pending, by: max(Self.headReadAhead, pending.storedHead.count))
                if position == pending.storedHead.count { return nil }
            }
            let entry = pending.storedHead[position]
            position += 1
            if !pending.hidesStoredEntry(entry) {
                return entry
            }
        }
    }

    /// Entries read from RocksDB at a time once the stored head runs out.
    static let headReadAhead = 8

    /// Appends up to `limit` stored entries that follow the stored head (from the lowest
    /// entry of the set if the head is empty) to it.
    ///
    /// RocksDB holds the set highest score first, so this walks backward: from the key of the
    /// head's last entry, or from the end of the entries scored at least the stored lowest-score
    /// bound, which lies before the deleted entries that trims leave at the set's oldest end.
    /// It stops after the set's last stored entry instead of stepping into the set before it
    /// (whose oldest end may be a run of such deleted entries).
    private func extendStoredHead(of pending: PendingSortedSet, by limit: Int) throws {
        let iterator = try iterator()
        DataKey.setPrefix(DataKey.entryTag, pending.key, into: &keyBuffer)
        let prefixLength = keyBuffer.count
        if let last = pending.storedHead.last {
            DataKey.appendEntrySuffix(score: last.score, member: last.member, to: &keyBuffer)
            iterator.seekForPrev(keyBuffer)
            if iterator.withKey({ $0.elementsEqual(keyBuffer) }) == true {
                iterator.previous()
            }
        } else {
            iterator.seekForPrev(DataKey.entriesEnd(scoredAtLeast: pending.storedLowestScore, prefix: keyBuffer))
        }
        let wanted = min(UInt64(limit), pending.storedCount - UInt64(pending.storedHead.count))
        var read: UInt64 = 0
        while read < wanted {
            guard let entry = try currentEntry(of: iterator, prefixLength: prefixLength) else { break }
            pending.storedHead.append(entry)
            read += 1
            if read < wanted {
                iterator.previous()
            }
        }
        if !iterator.isValid {
            try iterator.checkStatus()
        }
    }

    /// The member entry under `iterator` if its key starts with the set prefix held in the first
    /// `prefixLength` bytes of `keyBuffer`; `nil` past the set's entries (or the iterator's end).
    private func currentEntry(of iterator: Iterator, prefixLength: Int) throws -> ScoredEntry? {
        try keyBuffer.withUnsafeBytes { prefix throws(RocksDBError) in
            try iterator.withKey { key throws(RocksDBError) -> ScoredEntry? in
                guard key.count >= prefixLength, memcmp(key.baseAddress!, prefix.baseAddress!, prefixLength) == 0 else { return nil }
                guard let entry = DataKey.entryContents(of: key, prefixLength: prefixLength) else {
                    throw Self.corruption("malformed member entry key")
                }
                return entry
            } ?? nil
        }
    }

    /// Every entry of the merged view with a score in `low ... high`, in no particular order.
    private func entries(of pending: PendingSortedSet, scoredIn low: UInt64, _ high: UInt64) throws -> [ScoredEntry] {
        var found = pending.presentMembers(scoredIn: low, high)
        let lowest = max(low, pending.storedLowestScore)
        if !pending.cleared, pending.storedCount > 0, lowest <= high {
            // A bounded iterator of its own: the walk ends at the lowest wanted score without
            // stepping over the deleted entries beyond it. Created on the same (unchanged)
            // state as the group's other reads, as nothing is written before the group ends.
            let prefix = DataKey.setPrefix(DataKey.entryTag, pending.key)
            var start = prefix
            DataKey.appendUInt64(~high, to: &start)
            let iterator = try database.makeIterator(in: data, lowerBound: start, upperBound: DataKey.entriesEnd(scoredAtLeast: lowest, prefix: prefix))
            iterator.seekToFirst()
            while iterator.isValid {
                let entry = try iterator.withKey { key throws(RocksDBError) -> ScoredEntry in
                    guard let entry = DataKey.entryContents(of: key, prefixLength: prefix.count) else {
                        throw Self.corruption("malformed member entry key")
                    }
                    return entry
                }
                if let entry, !pending.hidesStoredEntry(entry) {
                    found.append(entry)
                }
                iterator.next()
            }
            try iterator.checkStatus()
        }
        return found
    }

    private func iterator() throws(RocksDBError) -> Iterator {
        if let storedEntries { return storedEntries }
        let created = try database.makeIterator(in: data)
        storedEntries = created
        return created
    }

    static func corruption(_ message: String) -> RocksDBError {
        RocksDBError(kind: .corruption, message: "KeelStore: \(message)")
    }
}
