/// The user data a write may change or a read looks at: named values and sorted sets, or
/// anything at all.
///
/// A server uses it to serve a linearizable read before the state machine has applied every
/// committed entry: when no unapplied entry up to the read's index touches what the read
/// looks at, the current state already holds what the read must see.
public enum DataFootprint: Sendable, Hashable {
    /// Exactly these items (none for a no-op).
    case items(Set<DataItem>)
    /// Unknown or unbounded (a prefix scan, an entry that cannot be decoded).
    case everything

    /// Whether the two may share an item.
    public func overlaps(_ other: DataFootprint) -> Bool {
        switch (self, other) {
        case (.everything, .everything): return true
        case (.everything, .items(let items)), (.items(let items), .everything): return !items.isEmpty
        case (.items(let mine), .items(let theirs)):
            let (small, large) = mine.count <= theirs.count ? (mine, theirs) : (theirs, mine)
            return small.contains { large.contains($0) }
        }
    }

    /// What the command writes.
    public init(of command: Command) {
        switch command {
        case .put(let key, _), .delete(let key), .compareAndSet(let key, _, _), .increment(let key, _):
            self = .items([.value(key)])
        case .batch(let operations):
            self = .items(Set(operations.map { DataItem.value($0.key) }))
        case .add(let set, _, _, _), .remove(let set, _), .deleteSet(let set), .trim(let set, _),
            .removeByScoreRange(let set, _, _), .addEntries(let set, _, _), .removeEntries(let set, _):
            self = .items([.sortedSet(set)])
        case .addToMany(let sets, _, _, _, _), .removeFromMany(let sets, _), .addEntryToMany(let sets, _, _),
            .removeEntryFromMany(let sets, _):
            self = .items(Set(sets.map(DataItem.sortedSet)))
        }
    }

    /// What applying a committed entry's data (``CommittedEntry/data``) may write: nothing
    /// for a no-op, everything when it cannot be decoded (the store then decides what it means).
    public init(ofEntryData data: [UInt8]) {
        guard !data.isEmpty else {
            self = .items([])
            return
        }
        guard let envelope = try? CommandEnvelope(decoding: data) else {
            self = .everything
            return
        }
        self.init(of: envelope.command)
    }
}

/// One named piece of user data.
public enum DataItem: Sendable, Hashable {
    /// The key-value pair under this key.
    case value([UInt8])
    /// The sorted set under this key (all its members, scores and its count).
    case sortedSet([UInt8])
}
