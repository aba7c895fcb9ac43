import KeelRaft

/// Keys and value encodings of the `raft` column family. All integers are big-endian, so the
/// entries sort by index and a range delete removes a contiguous stretch of the log.
enum RaftRecords {
    static let columnFamilyName = "raft"

    static let entryTag: UInt8 = 0x65  // "e" + index -> term, kind, data
    static let hardStateKey: [UInt8] = [0x68]  // "h" -> term, vote, commit
    static let snapshotKey: [UInt8] = [0x73]  // "s" -> snapshot metadata
    static let installKey: [UInt8] = [0x69]  // "i" -> snapshot install in progress
    static let addressTag: UInt8 = 0x61  // "a" + node id -> MemberAddress

    static func entryKey(_ index: UInt64) -> [UInt8] {
        var key: [UInt8] = [entryTag]
        key.reserveCapacity(9)
        BinaryCoding.append(index, to: &key)
        return key
    }

    static func addressKey(_ node: UInt64) -> [UInt8] {
        var key: [UInt8] = [addressTag]
        BinaryCoding.append(node, to: &key)
        return key
    }

    static func encode(_ entry: Entry) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(entry, into: &bytes)
        return bytes
    }

    /// Writes the key of entry `index` over `key`, reusing its storage.
    static func entryKey(_ index: UInt64, into key: inout [UInt8]) {
        key.removeAll(keepingCapacity: true)
        key.append(entryTag)
        BinaryCoding.append(index, to: &key)
    }

    /// Writes the stored form of `entry` over `bytes`, reusing its storage.
    static func encode(_ entry: Entry, into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(9 + entry.data.count)
        BinaryCoding.append(entry.term, to: &bytes)
        bytes.append(entry.kind.rawValue)
        bytes.append(contentsOf: entry.data)
    }

    static func decodeEntry(index: UInt64, _ bytes: [UInt8]) throws(StorageCorruption) -> Entry {
        var reader = BinaryReader(bytes)
        let term = try reader.uint64()
        guard let kind = EntryKind(rawValue: try reader.uint8()) else {
            throw StorageCorruption("entry \(index) has an unknown kind")
        }
        return Entry(term: term, index: index, kind: kind, data: reader.rest())
    }

    static func encode(_ hardState: HardState) -> [UInt8] {
        var bytes: [UInt8] = []
        BinaryCoding.append(hardState.term, to: &bytes)
        BinaryCoding.append(hardState.vote, to: &bytes)
        BinaryCoding.append(hardState.commit, to: &bytes)
        return bytes
    }

    static func decodeHardState(_ bytes: [UInt8]) throws(StorageCorruption) -> HardState {
        var reader = BinaryReader(bytes)
        return HardState(term: try reader.uint64(), vote: try reader.uint64(), commit: try reader.uint64())
    }

    static func encode(_ snapshot: SnapshotMetadata) -> [UInt8] {
        var bytes: [UInt8] = [1]
        BinaryCoding.append(snapshot.index, to: &bytes)
        BinaryCoding.append(snapshot.term, to: &bytes)
        BinaryCoding.append(ids: snapshot.membership.voters, to: &bytes)
        BinaryCoding.append(ids: snapshot.membership.learners, to: &bytes)
        return bytes
    }

    static func decodeSnapshot(_ bytes: [UInt8]) throws(StorageCorruption) -> SnapshotMetadata {
        var reader = BinaryReader(bytes)
        return try decodeSnapshot(&reader)
    }

    static func decodeSnapshot(_ reader: inout BinaryReader) throws(StorageCorruption) -> SnapshotMetadata {
        guard try reader.uint8() == 1 else { throw StorageCorruption("unknown snapshot record version") }
        let index = try reader.uint64()
        let term = try reader.uint64()
        let voters = try reader.ids()
        let learners = try reader.ids()
        return SnapshotMetadata(index: index, term: term, membership: Membership(voters: voters, learners: learners))
    }
}
