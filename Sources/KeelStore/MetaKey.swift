/// The keys of column family `meta` (layout in docs/storage.md).
enum MetaKey {
    /// `a` -> the index of the last applied Raft entry, 8 bytes big-endian.
    static let appliedIndex: [UInt8] = [0x61]
    /// `t` -> the log time: the greatest proposal timestamp applied so far, 8 bytes big-endian.
    static let logTime: [UInt8] = [0x74]
    /// Prefix of the session table.
    static let sessionTag: UInt8 = 0x73
    /// Prefix of the session group records (the session log).
    static let sessionGroupTag: UInt8 = 0x67
    /// Every session group key starts with this ...
    static let sessionGroupPrefix: [UInt8] = [sessionGroupTag]
    /// ... and sorts before this.
    static let sessionGroupPrefixEnd: [UInt8] = [sessionGroupTag + 1]

    /// `s | client id (8 bytes big-endian)` -> session record.
    static func session(_ clientID: UInt64) -> [UInt8] {
        var key: [UInt8] = [sessionTag]
        key.reserveCapacity(9)
        DataKey.appendUInt64(clientID, to: &key)
        return key
    }

    /// `g | applied index (8 bytes big-endian)` -> the session changes of the apply group that
    /// ended at that index (``SessionGroupRecord``); big-endian, so they sort in apply order.
    static func sessionGroup(_ appliedIndex: UInt64) -> [UInt8] {
        var key: [UInt8] = [sessionGroupTag]
        key.reserveCapacity(9)
        DataKey.appendUInt64(appliedIndex, to: &key)
        return key
    }
}
