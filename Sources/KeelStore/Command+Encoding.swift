// Version 1 layout: version byte, varint client id, varint sequence, varint timestamp (ms),
// command tag byte, then the command's fields. Byte strings are varint-length-prefixed,
// doubles are 8 bytes big-endian IEEE 754 bit patterns. See docs/storage.md.

extension CommandEnvelope {
    /// The versioned binary form of the envelope, for a Raft entry's data.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 32 + command.estimatedEncodedSize)
        writer.writeByte(Self.encodingVersion)
        writer.writeVarint(clientID)
        writer.writeVarint(sequence)
        writer.writeVarint(timestampMilliseconds)
        command.encode(into: &writer)
        return writer.bytes
    }

    /// Decodes bytes made by ``encoded()``.
    /// - Throws: ``CommandDecodingError`` for empty input, an unknown version or tag,
    ///   truncated or trailing bytes, or out-of-domain fields; never traps.
    public init(decoding bytes: [UInt8]) throws(CommandDecodingError) {
        guard let version = bytes.first else { throw .empty }
        guard version == Self.encodingVersion else { throw .unsupportedVersion(version) }
        var reader = ByteReader(bytes, offset: 1)
        let clientID = try reader.readVarint()
        let sequence = try reader.readVarint()
        let timestamp = try reader.readVarint()
        let command = try Command(decoding: &reader)
        try reader.expectEnd()
        self.init(clientID: clientID, sequence: sequence, timestampMilliseconds: timestamp, command: command)
    }
}

extension CommandEnvelope {
    /// How many keys, members or sets applying the encoded envelope writes (1 for a one-key
    /// write; a batch's operations, an add's members, a fanout's sets), read from the header
    /// and the command's counts without decoding its byte strings: a measure of what applying
    /// it costs. `nil` when the bytes are not an envelope this version reads.
    public static func writeCount(ofEncoded bytes: [UInt8]) -> Int? {
        guard bytes.first == encodingVersion else { return nil }
        var reader = ByteReader(bytes, offset: 1)
        do {
            for _ in 0..<3 { _ = try reader.readVarint() }  // client id, sequence, timestamp
            return try Command.writeCount(reading: &reader)
        } catch {
            return nil
        }
    }
}

extension Command {
    /// See ``CommandEnvelope/writeCount(ofEncoded:)``; `reader` stands at the command's tag.
    fileprivate static func writeCount(reading reader: inout ByteReader) throws(CommandDecodingError) -> Int {
        let rawTag = try reader.readByte()
        guard let tag = Tag(rawValue: rawTag) else { throw .unknownTag(rawTag) }
        switch tag {
        case .put, .delete, .compareAndSet, .increment, .deleteSet, .trim, .removeByScoreRange:
            return 1
        case .batch:
            return try reader.readCount()
        case .add:
            try reader.skipBytes()
            _ = try decodeMode(&reader)
            _ = try decodeMaxLength(&reader)
            return try reader.readCount()
        case .addToMany:
            try reader.skipBytes()
            _ = try reader.readDouble()
            _ = try decodeMode(&reader)
            _ = try decodeMaxLength(&reader)
            return try reader.readCount()
        case .remove, .removeFromMany:
            try reader.skipBytes()
            return try reader.readCount()
        case .addEntries:
            try reader.skipBytes()
            _ = try decodeMaxLength(&reader)
            return try reader.readCount()
        case .addEntryToMany:
            try reader.skipBytes()
            _ = try reader.readDouble()
            _ = try decodeMaxLength(&reader)
            return try reader.readCount()
        case .removeEntries:
            try reader.skipBytes()
            return try reader.readCount()
        case .removeEntryFromMany:
            try reader.skipBytes()
            _ = try reader.readDouble()
            return try reader.readCount()
        }
    }

    /// `key | expected? | newValue?`, the body of a compare-and-set alone or in a batch.
    private static func encodeCompareAndSet(
        key: [UInt8], expected: CompareAndSetExpectation, newValue: [UInt8]?, into writer: inout ByteWriter
    ) {
        writer.writeBytes(key)
        switch expected {
        case .absent: writer.writeOptionalBytes(nil)
        case .value(let value): writer.writeOptionalBytes(value)
        }
        writer.writeOptionalBytes(newValue)
    }

    private static func decodeCompareAndSet(
        _ reader: inout ByteReader
    ) throws(CommandDecodingError) -> (key: [UInt8], expected: CompareAndSetExpectation, newValue: [UInt8]?) {
        let key = try reader.readBytes()
        let expected: CompareAndSetExpectation = try reader.readOptionalBytes().map { .value($0) } ?? .absent
        return (key, expected, try reader.readOptionalBytes())
    }

    private enum Tag: UInt8 {
        case put = 1, delete, compareAndSet, increment, batch
        case add = 16, addToMany, remove, removeFromMany, deleteSet, trim, removeByScoreRange
        case addEntries = 23, addEntryToMany, removeEntries, removeEntryFromMany
    }

    var estimatedEncodedSize: Int {
        switch self {
        case .put(let key, let value): return key.count + value.count + 8
        case .addToMany(let sets, let member, _, _, _): return sets.reduce(member.count + 24) { $0 + $1.count + 2 }
        case .removeFromMany(let sets, let member): return sets.reduce(member.count + 8) { $0 + $1.count + 2 }
        case .addEntryToMany(let sets, let entry, _): return sets.reduce(entry.member.count + 24) { $0 + $1.count + 2 }
        case .removeEntryFromMany(let sets, let entry): return sets.reduce(entry.member.count + 16) { $0 + $1.count + 2 }
        default: return 64
        }
    }

    func encode(into writer: inout ByteWriter) {
        switch self {
        case .put(let key, let value):
            writer.writeByte(Tag.put.rawValue)
            writer.writeBytes(key)
            writer.writeBytes(value)
        case .delete(let key):
            writer.writeByte(Tag.delete.rawValue)
            writer.writeBytes(key)
        case .compareAndSet(let key, let expected, let newValue):
            writer.writeByte(Tag.compareAndSet.rawValue)
            Self.encodeCompareAndSet(key: key, expected: expected, newValue: newValue, into: &writer)
        case .increment(let key, let delta):
            writer.writeByte(Tag.increment.rawValue)
            writer.writeBytes(key)
            writer.writeSignedVarint(delta)
        case .batch(let operations):
            writer.writeByte(Tag.batch.rawValue)
            writer.writeVarint(operations.count)
            for operation in operations {
                switch operation {
                case .put(let key, let value):
                    writer.writeByte(1)
                    writer.writeBytes(key)
                    writer.writeBytes(value)
                case .delete(let key):
                    writer.writeByte(2)
                    writer.writeBytes(key)
                case .compareAndSet(let key, let expected, let newValue):
                    writer.writeByte(3)
                    Self.encodeCompareAndSet(key: key, expected: expected, newValue: newValue, into: &writer)
                case .increment(let key, let delta):
                    writer.writeByte(4)
                    writer.writeBytes(key)
                    writer.writeSignedVarint(delta)
                }
            }
        case .add(let set, let members, let mode, let maxLength):
            writer.writeByte(Tag.add.rawValue)
            writer.writeBytes(set)
            writer.writeByte(mode.rawValue)
            Self.encodeMaxLength(maxLength, into: &writer)
            Self.encodeScoredMembers(members, into: &writer)
        case .addToMany(let sets, let member, let score, let mode, let maxLength):
            writer.writeByte(Tag.addToMany.rawValue)
            writer.writeBytes(member)
            writer.writeDouble(score)
            writer.writeByte(mode.rawValue)
            Self.encodeMaxLength(maxLength, into: &writer)
            Self.encodeList(sets, into: &writer)
        case .remove(let set, let members):
            writer.writeByte(Tag.remove.rawValue)
            writer.writeBytes(set)
            Self.encodeList(members, into: &writer)
        case .removeFromMany(let sets, let member):
            writer.writeByte(Tag.removeFromMany.rawValue)
            writer.writeBytes(member)
            Self.encodeList(sets, into: &writer)
        case .deleteSet(let set):
            writer.writeByte(Tag.deleteSet.rawValue)
            writer.writeBytes(set)
        case .trim(let set, let maxLength):
            writer.writeByte(Tag.trim.rawValue)
            writer.writeBytes(set)
            writer.writeVarint(maxLength)
        case .removeByScoreRange(let set, let minimum, let maximum):
            writer.writeByte(Tag.removeByScoreRange.rawValue)
            writer.writeBytes(set)
            writer.writeDouble(minimum)
            writer.writeDouble(maximum)
        case .addEntries(let set, let entries, let maxLength):
            writer.writeByte(Tag.addEntries.rawValue)
            writer.writeBytes(set)
            Self.encodeMaxLength(maxLength, into: &writer)
            Self.encodeScoredMembers(entries, into: &writer)
        case .addEntryToMany(let sets, let entry, let maxLength):
            writer.writeByte(Tag.addEntryToMany.rawValue)
            writer.writeBytes(entry.member)
            writer.writeDouble(entry.score)
            Self.encodeMaxLength(maxLength, into: &writer)
            Self.encodeList(sets, into: &writer)
        case .removeEntries(let set, let entries):
            writer.writeByte(Tag.removeEntries.rawValue)
            writer.writeBytes(set)
            Self.encodeScoredMembers(entries, into: &writer)
        case .removeEntryFromMany(let sets, let entry):
            writer.writeByte(Tag.removeEntryFromMany.rawValue)
            writer.writeBytes(entry.member)
            writer.writeDouble(entry.score)
            Self.encodeList(sets, into: &writer)
        }
    }

    init(decoding reader: inout ByteReader) throws(CommandDecodingError) {
        let rawTag = try reader.readByte()
        guard let tag = Tag(rawValue: rawTag) else { throw .unknownTag(rawTag) }
        switch tag {
        case .put:
            self = .put(key: try reader.readBytes(), value: try reader.readBytes())
        case .delete:
            self = .delete(key: try reader.readBytes())
        case .compareAndSet:
            let (key, expected, newValue) = try Self.decodeCompareAndSet(&reader)
            self = .compareAndSet(key: key, expected: expected, newValue: newValue)
        case .increment:
            self = .increment(key: try reader.readBytes(), delta: try reader.readSignedVarint())
        case .batch:
            let count = try reader.readCount()
            var operations: [BatchOperation] = []
            operations.reserveCapacity(count)
            for _ in 0..<count {
                switch try reader.readByte() {
                case 1: operations.append(.put(key: try reader.readBytes(), value: try reader.readBytes()))
                case 2: operations.append(.delete(key: try reader.readBytes()))
                case 3:
                    let (key, expected, newValue) = try Self.decodeCompareAndSet(&reader)
                    operations.append(.compareAndSet(key: key, expected: expected, newValue: newValue))
                case 4: operations.append(.increment(key: try reader.readBytes(), delta: try reader.readSignedVarint()))
                case let other: throw .unknownTag(other)
                }
            }
            self = .batch(operations)
        case .add:
            let set = try reader.readBytes()
            let mode = try Self.decodeMode(&reader)
            let maxLength = try Self.decodeMaxLength(&reader)
            self = .add(set: set, members: try Self.decodeScoredMembers(&reader), mode: mode, maxLength: maxLength)
        case .addToMany:
            let member = try reader.readBytes()
            let score = try reader.readDouble()
            let mode = try Self.decodeMode(&reader)
            let maxLength = try Self.decodeMaxLength(&reader)
            self = .addToMany(sets: try Self.decodeList(&reader), member: member, score: score, mode: mode, maxLength: maxLength)
        case .remove:
            let set = try reader.readBytes()
            self = .remove(set: set, members: try Self.decodeList(&reader))
        case .removeFromMany:
            let member = try reader.readBytes()
            self = .removeFromMany(sets: try Self.decodeList(&reader), member: member)
        case .deleteSet:
            self = .deleteSet(set: try reader.readBytes())
        case .trim:
            self = .trim(set: try reader.readBytes(), maxLength: try reader.readVarint())
        case .removeByScoreRange:
            self = .removeByScoreRange(set: try reader.readBytes(), minimum: try reader.readDouble(), maximum: try reader.readDouble())
        case .addEntries:
            let set = try reader.readBytes()
            let maxLength = try Self.decodeMaxLength(&reader)
            self = .addEntries(set: set, entries: try Self.decodeScoredMembers(&reader), maxLength: maxLength)
        case .addEntryToMany:
            let entry = ScoredMember(member: try reader.readBytes(), score: try reader.readDouble())
            let maxLength = try Self.decodeMaxLength(&reader)
            self = .addEntryToMany(sets: try Self.decodeList(&reader), entry: entry, maxLength: maxLength)
        case .removeEntries:
            let set = try reader.readBytes()
            self = .removeEntries(set: set, entries: try Self.decodeScoredMembers(&reader))
        case .removeEntryFromMany:
            let entry = ScoredMember(member: try reader.readBytes(), score: try reader.readDouble())
            self = .removeEntryFromMany(sets: try Self.decodeList(&reader), entry: entry)
        }
    }

    /// A varint count, then each member's bytes and score.
    private static func encodeScoredMembers(_ members: [ScoredMember], into writer: inout ByteWriter) {
        writer.writeVarint(members.count)
        for scored in members {
            writer.writeBytes(scored.member)
            writer.writeDouble(scored.score)
        }
    }

    private static func decodeScoredMembers(_ reader: inout ByteReader) throws(CommandDecodingError) -> [ScoredMember] {
        let count = try reader.readCount()
        var members: [ScoredMember] = []
        members.reserveCapacity(count)
        for _ in 0..<count {
            members.append(ScoredMember(member: try reader.readBytes(), score: try reader.readDouble()))
        }
        return members
    }

    private static func encodeMaxLength(_ maxLength: UInt64?, into writer: inout ByteWriter) {
        writer.writeBool(maxLength != nil)
        if let maxLength {
            writer.writeVarint(maxLength)
        }
    }

    private static func decodeMaxLength(_ reader: inout ByteReader) throws(CommandDecodingError) -> UInt64? {
        try reader.readBool() ? try reader.readVarint() : nil
    }

    private static func decodeMode(_ reader: inout ByteReader) throws(CommandDecodingError) -> AddMode {
        let raw = try reader.readByte()
        guard let mode = AddMode(rawValue: raw) else { throw .malformed("unknown add mode \(raw)") }
        return mode
    }

    private static func encodeList(_ list: [[UInt8]], into writer: inout ByteWriter) {
        writer.writeVarint(list.count)
        for item in list {
            writer.writeBytes(item)
        }
    }

    private static func decodeList(_ reader: inout ByteReader) throws(CommandDecodingError) -> [[UInt8]] {
        let count = try reader.readCount()
        var list: [[UInt8]] = []
        list.reserveCapacity(count)
        for _ in 0..<count {
            list.append(try reader.readBytes())
        }
        return list
    }
}
