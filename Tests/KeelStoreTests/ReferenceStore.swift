import KeelStore

/// A plain in-memory implementation of the store's commands and queries, written as simply
/// as possible, to check the real store against (model-based testing).
///
/// A member-keyed set lives in `sets` (member -> score), an entry-keyed one in `entrySets`
/// (a set of (score, member) pairs); a set is of the kind whose map holds it non-empty.
struct ReferenceStore {
    struct Entry: Comparable, Hashable {
        var score: Double
        var member: [UInt8]

        static func < (lhs: Self, rhs: Self) -> Bool {
            if lhs.score != rhs.score { return lhs.score < rhs.score }
            return lhs.member.lexicographicallyPrecedes(rhs.member)
        }
    }

    var values: [[UInt8]: [UInt8]] = [:]
    var sets: [[UInt8]: [[UInt8]: Double]] = [:]
    var entrySets: [[UInt8]: Set<Entry>] = [:]

    func isEntryKeyed(_ set: [UInt8]) -> Bool { !(entrySets[set]?.isEmpty ?? true) }
    func isMemberKeyed(_ set: [UInt8]) -> Bool { !(sets[set]?.isEmpty ?? true) }

    private static func increment(_ current: [UInt8]?, by delta: Int64) throws(StoreError) -> Int64 {
        var counter: Int64 = 0
        if let current {
            guard current.count == 8 else { throw .notACounter }
            counter = Int64(bitPattern: current.reduce(0) { $0 << 8 | UInt64($1) })
        }
        let (sum, overflow) = counter.addingReportingOverflow(delta)
        guard !overflow else { throw .counterOverflow }
        return sum
    }

    private static func matches(_ current: [UInt8]?, _ expected: Command.CompareAndSetExpectation) -> Bool {
        switch expected {
        case .absent: current == nil
        case .value(let value): current == value
        }
    }

    /// Applies a valid command (the test checks invalid ones separately: they change nothing).
    mutating func apply(_ command: Command) -> CommandResult {
        switch command {
        case .put(let key, let value):
            values[key] = value
            return .done
        case .delete(let key):
            values[key] = nil
            return .done
        case .compareAndSet(let key, let expected, let newValue):
            guard Self.matches(values[key], expected) else { return .compareAndSet(swapped: false, current: values[key]) }
            values[key] = newValue
            return .compareAndSet(swapped: true, current: nil)
        case .increment(let key, let delta):
            do throws(StoreError) {
                let sum = try Self.increment(values[key], by: delta)
                values[key] = counterBytes(sum)
                return .counter(sum)
            } catch {
                return .failed(error)
            }
        case .batch(let operations):
            var after = values
            var counters: [Int64] = []
            do throws(StoreError) {
                for (index, operation) in operations.enumerated() {
                    switch operation {
                    case .put(let key, let value): after[key] = value
                    case .delete(let key): after[key] = nil
                    case .compareAndSet(let key, let expected, let newValue):
                        guard Self.matches(after[key], expected) else { throw .batchConditionFailed(operation: index) }
                        after[key] = newValue
                    case .increment(let key, let delta):
                        let sum = try Self.increment(after[key], by: delta)
                        after[key] = counterBytes(sum)
                        counters.append(sum)
                    }
                }
            } catch {
                return .failed(error)
            }
            values = after
            return counters.isEmpty ? .done : .batchCounters(counters)
        case .add(let set, let members, let mode, let maxLength):
            if isEntryKeyed(set) { return .failed(.wrongSetKind) }
            var added: UInt64 = 0, updated: UInt64 = 0
            for scored in members {
                switch add(scored.member, scored.score, mode, to: set) {
                case 1: added += 1
                case 2: updated += 1
                default: break
                }
            }
            let removed = maxLength.map { trim(set, $0) } ?? 0
            return .sortedSet(added: added, updated: updated, removed: removed)
        case .addToMany(let targets, let member, let score, let mode, let maxLength):
            if targets.contains(where: isEntryKeyed) { return .failed(.wrongSetKind) }
            var added: UInt64 = 0, updated: UInt64 = 0, removed: UInt64 = 0
            for set in targets {
                switch add(member, score, mode, to: set) {
                case 1: added += 1
                case 2: updated += 1
                default: break
                }
                removed += maxLength.map { trim(set, $0) } ?? 0
            }
            return .sortedSet(added: added, updated: updated, removed: removed)
        case .remove(let set, let members):
            if isEntryKeyed(set) { return .failed(.wrongSetKind) }
            var removed: UInt64 = 0
            for member in members where sets[set]?.removeValue(forKey: member) != nil {
                removed += 1
            }
            return .sortedSet(added: 0, updated: 0, removed: removed)
        case .removeFromMany(let targets, let member):
            if targets.contains(where: isEntryKeyed) { return .failed(.wrongSetKind) }
            var removed: UInt64 = 0
            for set in targets where sets[set]?.removeValue(forKey: member) != nil {
                removed += 1
            }
            return .sortedSet(added: 0, updated: 0, removed: removed)
        case .deleteSet(let set):
            let removed = UInt64(entries(set).count)
            sets[set] = nil
            entrySets[set] = nil
            return .sortedSet(added: 0, updated: 0, removed: removed)
        case .trim(let set, let maxLength):
            return .sortedSet(added: 0, updated: 0, removed: trim(set, maxLength))
        case .removeByScoreRange(let set, let minimum, let maximum):
            let victims = entries(set).filter { $0.score >= minimum && $0.score <= maximum }
            for victim in victims {
                removeEntry(victim, from: set)
            }
            return .sortedSet(added: 0, updated: 0, removed: UInt64(victims.count))
        case .addEntries(let set, let entries, let maxLength):
            if isMemberKeyed(set) { return .failed(.wrongSetKind) }
            var added: UInt64 = 0
            for scored in entries {
                let entry = entry(scored)
                if entrySets[set, default: []].insert(entry).inserted { added += 1 }
            }
            let removed = maxLength.map { trim(set, $0) } ?? 0
            return .sortedSet(added: added, updated: 0, removed: removed)
        case .addEntryToMany(let targets, let scored, let maxLength):
            if targets.contains(where: isMemberKeyed) { return .failed(.wrongSetKind) }
            var added: UInt64 = 0, removed: UInt64 = 0
            let entry = entry(scored)
            for set in targets {
                if entrySets[set, default: []].insert(entry).inserted { added += 1 }
                removed += maxLength.map { trim(set, $0) } ?? 0
            }
            return .sortedSet(added: added, updated: 0, removed: removed)
        case .removeEntries(let set, let entries):
            if isMemberKeyed(set) { return .failed(.wrongSetKind) }
            var removed: UInt64 = 0
            for scored in entries {
                let entry = entry(scored)
                if entrySets[set]?.remove(entry) != nil { removed += 1 }
            }
            return .sortedSet(added: 0, updated: 0, removed: removed)
        case .removeEntryFromMany(let targets, let scored):
            if targets.contains(where: isMemberKeyed) { return .failed(.wrongSetKind) }
            var removed: UInt64 = 0
            let entry = entry(scored)
            for set in targets where entrySets[set]?.remove(entry) != nil {
                removed += 1
            }
            return .sortedSet(added: 0, updated: 0, removed: removed)
        }
    }

    /// The entry of a scored member, -0.0 stored as +0.0 as the store does.
    private func entry(_ scored: ScoredMember) -> Entry {
        Entry(score: scored.score == 0 ? 0.0 : scored.score, member: scored.member)
    }

    private mutating func removeEntry(_ entry: Entry, from set: [UInt8]) {
        if isEntryKeyed(set) {
            entrySets[set]?.remove(entry)
        } else {
            sets[set]?[entry.member] = nil
        }
    }

    /// 0: nothing, 1: added, 2: updated.
    private mutating func add(_ member: [UInt8], _ rawScore: Double, _ mode: Command.AddMode, to set: [UInt8]) -> Int {
        let score = rawScore == 0 ? 0.0 : rawScore
        guard let old = sets[set]?[member] else {
            sets[set, default: [:]][member] = score
            return 1
        }
        let replace: Bool
        switch mode {
        case .upsert: replace = score != old
        case .onlyIfAbsent: replace = false
        case .onlyIfGreater: replace = score > old
        }
        if replace { sets[set]?[member] = score }
        return replace ? 2 : 0
    }

    private mutating func trim(_ set: [UInt8], _ maxLength: UInt64) -> UInt64 {
        let ordered = entries(set)
        guard ordered.count > Int(maxLength) else { return 0 }
        let victims = ordered.prefix(ordered.count - Int(maxLength))
        for victim in victims {
            removeEntry(victim, from: set)
        }
        return UInt64(victims.count)
    }

    func entries(_ set: [UInt8]) -> [Entry] {
        if isEntryKeyed(set) {
            return entrySets[set]!.sorted()
        }
        return (sets[set] ?? [:]).map { Entry(score: $0.value, member: $0.key) }.sorted()
    }

    /// What `score(of:in:)` answers: the score, `nil`, or wrongSetKind for an entry-keyed set.
    func score(of member: [UInt8], in set: [UInt8]) -> Result<Double?, StoreError> {
        isEntryKeyed(set) ? .failure(.wrongSetKind) : .success(sets[set]?[member])
    }

    // MARK: Queries

    func scan(prefix: [UInt8], startAfter: [UInt8]?, limit: Int) -> ScanPage {
        let after = values.keys
            .filter { key in key.starts(with: prefix) && (startAfter.map { $0.lexicographicallyPrecedes(key) } ?? true) }
            .sorted { $0.lexicographicallyPrecedes($1) }
        let page = after.prefix(limit).map { KeyValue(key: $0, value: values[$0]!) }
        return ScanPage(entries: page, nextStartAfter: after.count > limit ? page.last?.key : nil)
    }

    /// The set's entries in `order` at or after `start`, before paging.
    private func ordered(_ set: [UInt8], _ order: RangeOrder, _ start: RangeStart) -> [Entry] {
        var list = entries(set)
        if order == .newestFirst { list.reverse() }
        switch start {
        case .beginning:
            return list
        case .offset(let offset):
            return Array(list.dropFirst(offset))
        case .after(let cursor):
            let position = Entry(score: cursor.score == 0 ? 0 : cursor.score, member: cursor.member)
            return list.filter { order == .oldestFirst ? position < $0 : $0 < position }
        case .score(let score):
            return list.filter { order == .oldestFirst ? $0.score >= score : $0.score <= score }
        }
    }

    func range(_ set: [UInt8], _ order: RangeOrder, _ start: RangeStart, limit: Int) -> RangePage {
        let list = ordered(set, order, start)
        let page = list.prefix(limit)
        let cursor = list.count > limit ? page.last.map { RangeCursor(score: $0.score, member: $0.member) } : nil
        return RangePage(members: page.map { ScoredMember(member: $0.member, score: $0.score) }, nextCursor: cursor)
    }

    func mergedRange(_ targets: [[UInt8]], _ order: RangeOrder, _ start: RangeStart, limit: Int) -> RangePage {
        var unique: [[UInt8]] = []
        for set in targets where !unique.contains(set) {
            unique.append(set)
        }
        var all: [(entry: Entry, source: Int)] = []
        for (source, set) in unique.enumerated() {
            all += ordered(set, order, start).map { ($0, source) }
        }
        all.sort { lhs, rhs in
            if lhs.entry != rhs.entry {
                return order == .oldestFirst ? lhs.entry < rhs.entry : rhs.entry < lhs.entry
            }
            return lhs.source < rhs.source
        }
        var members: [ScoredMember] = []
        var seen = Set<[UInt8]>()
        var consumed = 0
        var last: Entry?
        while members.count < limit, consumed < all.count {
            let entry = all[consumed].entry
            consumed += 1
            if seen.insert(entry.member).inserted {
                members.append(ScoredMember(member: entry.member, score: entry.score))
                last = entry
            }
        }
        // Copies of the last entry in other sets sit at the cursor, which the next page excludes.
        while consumed < all.count, all[consumed].entry == last {
            consumed += 1
        }
        let cursor = consumed < all.count ? last.map { RangeCursor(score: $0.score, member: $0.member) } : nil
        return RangePage(members: members, nextCursor: cursor)
    }
}
