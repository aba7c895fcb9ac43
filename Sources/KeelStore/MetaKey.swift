/// The keys of column family `meta` (layout in docs/storage.md).
enum MetaKey {
    /// `a` -> the index of the last applied Raft entry, 8 bytes big-endian.
    static let appliedIndex: [UInt8] = [0x61]
    /// `t` -> the log time: the greatest proposal timestamp applied so far, 8 bytes big-endian.
    static let logTime: [UInt8] = [0x74]
    /// Prefix of the session table.
    static let sessionTag: UInt8 = 0x73

    /// `s | client id (8 bytes big-endian)` -> session record.
    static func session(_ clientID: UInt64) -> [UInt8] {
        var key: [UInt8] = [sessionTag]
        key.reserveCapacity(9)
        DataKey.appendUInt64(clientID, to: &key)
        return key
    }
}
