/// The in-memory copy of the client session table kept in column family `meta`, with its
/// expiry order (thesis section 6.3).
///
/// Holds only what deduplication and expiry decide on (last sequence, last seen log time); the
/// stored results stay in RocksDB and are read only when a retry needs one. The expiry order is
/// a heap keyed by (last seen, client id), which is rebuilt identically from the stored
/// records after a restart, so every replica expires and evicts the same sessions.
struct SessionTable {
    struct Session: Equatable {
        var lastSequence: UInt64
        var lastSeen: UInt64
    }

    private struct ExpiryKey: Comparable {
        var lastSeen: UInt64
        var clientID: UInt64

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.lastSeen, lhs.clientID) < (rhs.lastSeen, rhs.clientID)
        }
    }

    private(set) var sessions: [UInt64: Session] = [:]
    // Lazily cleaned: an entry whose last-seen no longer matches its session is stale.
    private var expiryOrder = BinaryHeap<ExpiryKey>()

    init() {}

    init(_ sessions: [UInt64: Session]) {
        self.sessions = sessions
        rebuildExpiryOrder()
    }

    var count: Int { sessions.count }

    subscript(clientID: UInt64) -> Session? {
        sessions[clientID]
    }

    mutating func record(clientID: UInt64, sequence: UInt64, seenAt time: UInt64) {
        let previous = sessions.updateValue(Session(lastSequence: sequence, lastSeen: time), forKey: clientID)
        if previous?.lastSeen != time {
            expiryOrder.insert(ExpiryKey(lastSeen: time, clientID: clientID))
        }
        if expiryOrder.count > 2 * sessions.count + 1024 {
            rebuildExpiryOrder()
        }
    }

    /// Removes the sessions last seen before `cutoff`.
    /// - Returns: their client ids, oldest first.
    mutating func removeSessions(seenBefore cutoff: UInt64) -> [UInt64] {
        var removed: [UInt64] = []
        while let oldest = liveOldest(), oldest.lastSeen < cutoff {
            expiryOrder.removeMinimum()
            sessions[oldest.clientID] = nil
            removed.append(oldest.clientID)
        }
        return removed
    }

    /// Removes the session seen longest ago.
    /// - Returns: its client id, or `nil` if the table is empty.
    mutating func removeOldest() -> UInt64? {
        guard let oldest = liveOldest() else { return nil }
        expiryOrder.removeMinimum()
        sessions[oldest.clientID] = nil
        return oldest.clientID
    }

    /// The heap's minimum after discarding stale entries.
    private mutating func liveOldest() -> ExpiryKey? {
        while let candidate = expiryOrder.minimum {
            if sessions[candidate.clientID]?.lastSeen == candidate.lastSeen {
                return candidate
            }
            expiryOrder.removeMinimum()
        }
        return nil
    }

    private mutating func rebuildExpiryOrder() {
        expiryOrder = BinaryHeap(sessions.map { ExpiryKey(lastSeen: $0.value.lastSeen, clientID: $0.key) })
    }
}
