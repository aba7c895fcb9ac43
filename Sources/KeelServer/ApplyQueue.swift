import KeelRaft
import KeelStore

/// Committed entries the driver has taken from the core but not yet applied to the store,
/// in log order.
///
/// The driver applies them a group at a time between its other work, so that a large entry
/// (a fanout into thousands of sets) delays heartbeats, acknowledgements and ReadIndex rounds
/// by one group, not by everything that committed together. While entries wait here, a
/// linearizable read needs only the waiting entries up to its read index that write its data
/// (``lastEntry(touching:through:)``).
struct ApplyQueue {
    private var entries: [Entry] = []
    /// Index into `entries` of the first entry not yet taken; the taken prefix is dropped in
    /// bulk so that taking a group does not shift the array each time.
    private var head = 0
    /// What each waiting entry may write, computed when a read first needs it.
    private var footprints: [UInt64: DataFootprint] = [:]

    /// The index of the last entry ever queued (0 before the first).
    private(set) var lastQueuedIndex: UInt64 = 0

    var isEmpty: Bool { head == entries.count }

    /// Index of the first waiting entry, if any.
    var firstIndex: UInt64? { isEmpty ? nil : entries[head].index }

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

    /// Takes the next group to apply: entries up to `maxIndex`, at least one (if the first is
    /// at most `maxIndex`) and otherwise as many as fit in `maxItems` written keys, members or
    /// sets (what applying costs, roughly: a fanout into 1,000 sets weighs 1,000 puts; see
    /// `CommandEnvelope.writeCount(ofEncoded:)`) and `maxBytes` of entry data.
    mutating func takeGroup(upTo maxIndex: UInt64, maxItems: Int, maxBytes: Int) -> [Entry] {
        var end = head
        var items = 0
        var bytes = 0
        while end < entries.count, entries[end].index <= maxIndex {
            items += Self.writeCount(of: entries[end], ifUnknown: maxItems)
            bytes += entries[end].data.count
            if end > head && (items > maxItems || bytes > maxBytes) { break }
            end += 1
        }
        let group = Array(entries[head..<end])
        for entry in group { footprints[entry.index] = nil }
        head = end
        compactIfDrained()
        return group
    }

    /// Drops every waiting entry up to `index` (a snapshot covering them was installed) and
    /// returns how many were dropped.
    @discardableResult
    mutating func removeAll(through index: UInt64) -> Int {
        var dropped = 0
        while head < entries.count, entries[head].index <= index {
            footprints[entries[head].index] = nil
            head += 1
            dropped += 1
        }
        compactIfDrained()
        return dropped
    }

    /// The index of the last waiting entry up to `index` that may write data `footprint`
    /// names (entries of unknown effect count as writing everything), or `nil` if none does.
    mutating func lastEntry(touching footprint: DataFootprint, through index: UInt64) -> UInt64? {
        var last: UInt64?
        var position = head
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

    private mutating func compactIfDrained() {
        if head == entries.count {
            entries.removeAll(keepingCapacity: entries.capacity <= 4096)
            head = 0
            footprints.removeAll(keepingCapacity: true)
        } else if head >= 1024 && head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}

