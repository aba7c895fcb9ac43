/// The session changes written as group records since the last fold, as each client's latest
/// state: what ``KeelStore`` must find for a retry without reading RocksDB, and what the next
/// fold writes to the per-client keys (docs/storage.md, "Session records").
///
/// The store keeps it equal to the group records in `meta`: ``add(_:encodedSize:)`` after
/// writing one, ``removeAll()`` when a fold deletes them, and a replay of the stored group
/// records on load.
struct SessionLog {
    /// When the group records are folded into the per-client keys. They bound the memory the
    /// log takes and the work a load replays; they do not change any result.
    struct Bounds: Sendable, Equatable {
        /// Fold once this many group records are unfolded.
        var groups: Int
        /// Fold once the unfolded group records take this many bytes.
        var bytes: Int

        static let standard = Bounds(groups: 512, bytes: 4 << 20)
    }

    /// Client id -> its latest record bytes, or `nil` if its latest change removed the session.
    private(set) var latest: [UInt64: [UInt8]?] = [:]
    /// Group records written since the last fold.
    private(set) var groupCount = 0
    /// Their encoded size in bytes.
    private(set) var byteCount = 0

    var isEmpty: Bool { groupCount == 0 }

    /// Takes in one group record (written or replayed) of `encodedSize` bytes; a later group
    /// replaces what an earlier one said about the same client.
    mutating func add(_ group: SessionGroupRecord, encodedSize: Int) {
        for entry in group.recorded {
            latest.updateValue(entry.record, forKey: entry.clientID)
        }
        for clientID in group.removed {
            latest.updateValue(nil, forKey: clientID)
        }
        groupCount += 1
        byteCount += encodedSize
    }

    /// Whether the log has reached one of `bounds` and must be folded.
    func reaches(_ bounds: Bounds) -> Bool {
        groupCount >= bounds.groups || byteCount >= bounds.bytes
    }

    /// The latest change to `clientID` since the last fold: `nil` if there is none, `.some(nil)`
    /// if the session was removed.
    func change(of clientID: UInt64) -> [UInt8]?? {
        latest[clientID]
    }

    /// Forgets everything, after a fold wrote it to the per-client keys.
    mutating func removeAll() {
        latest.removeAll(keepingCapacity: true)
        groupCount = 0
        byteCount = 0
    }
}
