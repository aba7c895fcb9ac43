/// The session changes of one apply group, stored in column family `meta` under
/// `g | applied index` (docs/storage.md): the final ``SessionRecord`` of every client the group
/// recorded, and the clients whose sessions the group removed (expired or evicted).
///
/// Layout: varint count of recorded clients, each as client id (8 bytes BE) and the encoded
/// session record (varint length, bytes); then varint count of removed clients, each a client
/// id (8 bytes BE). A client appears at most once in the two lists together.
struct SessionGroupRecord: Equatable {
    struct Recorded: Equatable {
        var clientID: UInt64
        /// ``SessionRecord/encoded()``, the same bytes as the per-client key holds.
        var record: [UInt8]
    }

    var recorded: [Recorded] = []
    var removed: [UInt64] = []

    init() {}

    init(decoding bytes: [UInt8]) throws(CommandDecodingError) {
        var reader = ByteReader(bytes)
        let recordedCount = try reader.readCount()
        recorded.reserveCapacity(recordedCount)
        for _ in 0..<recordedCount {
            recorded.append(Recorded(clientID: try reader.readUInt64(), record: try reader.readBytes()))
        }
        let removedCount = try reader.readCount()
        removed.reserveCapacity(removedCount)
        for _ in 0..<removedCount {
            removed.append(try reader.readUInt64())
        }
        try reader.expectEnd()
    }

    var isEmpty: Bool { recorded.isEmpty && removed.isEmpty }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 4 + recorded.reduce(0) { $0 + 10 + $1.record.count } + 8 * removed.count)
        writer.writeVarint(recorded.count)
        for entry in recorded {
            writer.writeUInt64(entry.clientID)
            writer.writeBytes(entry.record)
        }
        writer.writeVarint(removed.count)
        for clientID in removed {
            writer.writeUInt64(clientID)
        }
        return writer.bytes
    }
}
