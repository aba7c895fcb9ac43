/// One stored client session (column family `meta`, key `s | client id`): the last sequence
/// applied for the client, the log time it was last seen, and that command's result.
///
/// Layout: last sequence (8 bytes BE), last seen (8 bytes BE), encoded ``CommandResult``.
struct SessionRecord: Equatable {
    struct Header {
        var lastSequence: UInt64
        var lastSeen: UInt64
    }

    var lastSequence: UInt64
    var lastSeen: UInt64
    var result: CommandResult

    init(lastSequence: UInt64, lastSeen: UInt64, result: CommandResult) {
        self.lastSequence = lastSequence
        self.lastSeen = lastSeen
        self.result = result
    }

    init(decoding bytes: [UInt8]) throws(CommandDecodingError) {
        var reader = ByteReader(bytes)
        lastSequence = try reader.readUInt64()
        lastSeen = try reader.readUInt64()
        result = try CommandResult(decoding: &reader)
        try reader.expectEnd()
    }

    static func decodeHeader(_ bytes: [UInt8]) throws(CommandDecodingError) -> Header {
        var reader = ByteReader(bytes)
        return Header(lastSequence: try reader.readUInt64(), lastSeen: try reader.readUInt64())
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 32)
        writer.writeUInt64(lastSequence)
        writer.writeUInt64(lastSeen)
        result.encode(into: &writer)
        return writer.bytes
    }
}
