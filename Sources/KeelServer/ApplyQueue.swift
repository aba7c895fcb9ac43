import KeelRaft
import KeelStore

/// Committed entries the store has not applied yet, in log order: first those handed to the
/// ``ApplyWorker`` (in flight), then those still waiting to be handed over.
///
/// The driver hands them over a group at a time, so that the worker reports progress (and
/// answers clients, and lets reads through) after each group rather than after everything
/// that committed together. While entries are here, a linearizable read needs only the ones
/// up to its read index that write its data (``lastEntry(touching:through:)``), in flight or
/// not.
struct ApplyQueue {
    private var entries: [Entry] = []
    /// `entries[..<appliedHead]` are applied (dropped in bulk, so that marking a group applied
    /// does not shift the array each time), `entries[appliedHead..<takenHead]` are in flight,
    /// the rest wait.
    private var appliedHead = 0
    private var takenHead = 0
    /// What each entry not yet applied may write, computed when a read first needs it.
    private var footprints: [UInt64: DataFootprint] = [:]

    /// The index of the last entry ever queued (0 before the first).
    private(set) var lastQueuedIndex: UInt64 = 0

    /// Whether entries wait to be taken.
    var hasWaitingEntries: Bool { takenHead < entries.count }

    /// Whether every queued entry has been applied (none waits, none is in flight).
    var isDrained: Bool { appliedHead == entries.count }

    /// Index of the first entry waiting to be taken, if any.
    var firstWaitingIndex: UInt64? { hasWaitingEntries ? entries[takenHead].index : nil }

    /// Queues committed entries; they must follow the ones already queued.
    mutating func append(contentsOf committed: [Entry]) {
        guard let last = committed.last else { return }
        precondition(
            committed.first!.index > lastQueuedIndex || lastQueuedIndex == 0,
            "committed entries must be queued in log order"
        )
        entries.append(contentsOf: committed)
        lastQueuedIndex = last.index
    }

    /// Takes the next group to apply: waiting entries up to `maxIndex`, at least one (if the
    /// first is at most `maxIndex`) and otherwise as many as fit in `maxItems` written keys,
    /// members or sets (what applying costs, roughly: a fanout into 1,000 sets weighs 1,000
    /// puts; see `CommandEnvelope.writeCount(ofEncoded:)`) and `maxBytes` of entry data. The
    /// group stays in the queue, in flight, until ``markApplied(through:)``.
    mutating func takeGroup(upTo maxIndex: UInt64, maxItems: Int, maxBytes: Int) -> QueuedGroup {
        var end = takenHead
        var items = 0
        var groupItems = 0
        var bytes = 0
        while end < entries.count, entries[end].index <= maxIndex {
            items += Self.writeCount(of: entries[end], ifUnknown: maxItems)
            bytes += entries[end].data.count
            if end > takenHead && (items > maxItems || bytes > maxBytes) { break }
            end += 1
            groupItems = items
        }
        let group = QueuedGroup(entries: Array(entries[takenHead..<end]), writeCount: groupItems)
        takenHead = end
        return group
    }

    /// Records that every taken entry up to `index` is applied.
    mutating func markApplied(through index: UInt64) {
        while appliedHead < takenHead, entries[appliedHead].index <= index {
            footprints[entries[appliedHead].index] = nil
            appliedHead += 1
        }
        compactIfDrained()
    }

    /// Drops every waiting entry up to `index` (a snapshot covering them was installed) and
    /// returns how many were dropped. Nothing may be in flight.
    @discardableResult
    mutating func removeAll(through index: UInt64) -> Int {
        precondition(appliedHead == takenHead, "a snapshot is installed only while nothing is being applied")
        var dropped = 0
        while takenHead < entries.count, entries[takenHead].index <= index {
            footprints[entries[takenHead].index] = nil
            takenHead += 1
            dropped += 1
        }
        appliedHead = takenHead
        compactIfDrained()
        return dropped
    }

    /// The index of the last entry not yet applied up to `index` that may write data
    /// `footprint` names (entries of unknown effect count as writing everything), or `nil` if
    /// none does.
    mutating func lastEntry(touching footprint: DataFootprint, through index: UInt64) -> UInt64? {
        var last: UInt64?
        var position = appliedHead
        while position < entries.count, entries[position].index <= index {
            if self.footprint(at: position).overlaps(footprint) { last = entries[position].index }
            position += 1
        }
        return last
    }

    /// Configuration changes and no-ops weigh 1; an entry that cannot be read weighs a group.
    private static func writeCount(of entry: Entry, ifUnknown whole: Int) -> Int {
        guard entry.kind == .normal, !entry.data.isEmpty else { return 1 }
        return max(1, CommandEnvelope.writeCount(ofEncoded: entry.data) ?? whole)
    }

    private mutating func footprint(at position: Int) -> DataFootprint {
        let entry = entries[position]
        if let known = footprints[entry.index] { return known }
        // Configuration changes and the leader's no-op write no user data.
        let computed = entry.kind == .normal ? DataFootprint(ofEntryData: entry.data) : .items([])
        footprints[entry.index] = computed
        return computed
    }

    /// Entries taken together, and what they weigh (``takeGroup(upTo:maxItems:maxBytes:)``).
    struct QueuedGroup {
        var entries: [Entry]
        var writeCount: Int
    }

    private mutating func compactIfDrained() {
        if appliedHead == entries.count {
            entries.removeAll(keepingCapacity: entries.capacity <= 4096)
            appliedHead = 0
            takenHead = 0
            footprints.removeAll(keepingCapacity: true)
        } else if appliedHead >= 1024 && appliedHead * 2 >= entries.count {
            entries.removeFirst(appliedHead)
            takenHead -= appliedHead
            appliedHead = 0
        }
    }
}
