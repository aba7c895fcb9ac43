// Results are stored in the session table (column family `meta`) so a retried command gets
// its first answer back; this is their binary form. See docs/storage.md.

extension CommandResult {
    func encode(into writer: inout ByteWriter) {
        switch self {
        case .done:
            writer.writeByte(1)
        case .compareAndSet(let swapped, let current):
            writer.writeByte(2)
            writer.writeBool(swapped)
            writer.writeOptionalBytes(current)
        case .counter(let value):
            writer.writeByte(3)
            writer.writeSignedVarint(value)
        case .sortedSet(let added, let updated, let removed):
            writer.writeByte(4)
            writer.writeVarint(added)
            writer.writeVarint(updated)
            writer.writeVarint(removed)
        case .failed(let error):
            writer.writeByte(5)
            error.encode(into: &writer)
        case .batchCounters(let values):
            writer.writeByte(6)
            writer.writeVarint(values.count)
            for value in values {
                writer.writeSignedVarint(value)
            }
        }
    }

    init(decoding reader: inout ByteReader) throws(CommandDecodingError) {
        let tag = try reader.readByte()
        switch tag {
        case 1: self = .done
        case 2: self = .compareAndSet(swapped: try reader.readBool(), current: try reader.readOptionalBytes())
        case 3: self = .counter(try reader.readSignedVarint())
        case 4: self = .sortedSet(added: try reader.readVarint(), updated: try reader.readVarint(), removed: try reader.readVarint())
        case 5: self = .failed(try StoreError(decoding: &reader))
        case 6:
            let count = try reader.readCount()
            var values: [Int64] = []
            values.reserveCapacity(count)
            for _ in 0..<count {
                values.append(try reader.readSignedVarint())
            }
            self = .batchCounters(values)
        default: throw .unknownTag(tag)
        }
    }
}

extension StoreError {
    func encode(into writer: inout ByteWriter) {
        switch self {
        case .emptyKey: writer.writeByte(1)
        case .keyTooLarge(let size): writer.writeByte(2); writer.writeVarint(size)
        case .valueTooLarge(let size): writer.writeByte(3); writer.writeVarint(size)
        case .memberTooLarge(let size): writer.writeByte(4); writer.writeVarint(size)
        case .emptyCommand: writer.writeByte(5)
        case .tooManySets(let count): writer.writeByte(6); writer.writeVarint(count)
        case .tooManyMembers(let count): writer.writeByte(7); writer.writeVarint(count)
        case .tooManyOperations(let count): writer.writeByte(8); writer.writeVarint(count)
        case .nanScore: writer.writeByte(9)
        case .invalidMaxLength: writer.writeByte(10)
        case .invalidLimit(let limit): writer.writeByte(11); writer.writeSignedVarint(Int64(limit))
        case .invalidOffset(let offset): writer.writeByte(12); writer.writeSignedVarint(Int64(offset))
        case .notACounter: writer.writeByte(13)
        case .counterOverflow: writer.writeByte(14)
        case .staleSequence(let last): writer.writeByte(15); writer.writeVarint(last)
        case .sessionExpired: writer.writeByte(16)
        case .tooManyKeys(let count): writer.writeByte(18); writer.writeVarint(count)
        case .replyTooLarge(let bytes): writer.writeByte(19); writer.writeVarint(bytes)
        case .wrongSetKind: writer.writeByte(20)
        case .batchConditionFailed(let operation): writer.writeByte(21); writer.writeVarint(operation)
        case .malformedCommand(let error):
            writer.writeByte(17)
            switch error {
            case .empty: writer.writeByte(1)
            case .unsupportedVersion(let version): writer.writeByte(2); writer.writeByte(version)
            case .unknownTag(let tag): writer.writeByte(3); writer.writeByte(tag)
            case .truncated: writer.writeByte(4)
            case .trailingBytes(let count): writer.writeByte(5); writer.writeVarint(count)
            case .malformed(let reason): writer.writeByte(6); writer.writeBytes(Array(reason.utf8))
            }
        }
    }

    init(decoding reader: inout ByteReader) throws(CommandDecodingError) {
        func size(_ reader: inout ByteReader) throws(CommandDecodingError) -> Int {
            let value = try reader.readVarint()
            guard value <= UInt64(Int.max) else { throw .malformed("size out of range") }
            return Int(value)
        }
        let tag = try reader.readByte()
        switch tag {
        case 1: self = .emptyKey
        case 2: self = .keyTooLarge(size: try size(&reader))
        case 3: self = .valueTooLarge(size: try size(&reader))
        case 4: self = .memberTooLarge(size: try size(&reader))
        case 5: self = .emptyCommand
        case 6: self = .tooManySets(count: try size(&reader))
        case 7: self = .tooManyMembers(count: try size(&reader))
        case 8: self = .tooManyOperations(count: try size(&reader))
        case 9: self = .nanScore
        case 10: self = .invalidMaxLength
        case 11: self = .invalidLimit(Int(truncatingIfNeeded: try reader.readSignedVarint()))
        case 12: self = .invalidOffset(Int(truncatingIfNeeded: try reader.readSignedVarint()))
        case 13: self = .notACounter
        case 14: self = .counterOverflow
        case 15: self = .staleSequence(lastApplied: try reader.readVarint())
        case 16: self = .sessionExpired
        case 18: self = .tooManyKeys(count: try size(&reader))
        case 19: self = .replyTooLarge(bytes: try size(&reader))
        case 20: self = .wrongSetKind
        case 21: self = .batchConditionFailed(operation: try size(&reader))
        case 17:
            let inner = try reader.readByte()
            switch inner {
            case 1: self = .malformedCommand(.empty)
            case 2: self = .malformedCommand(.unsupportedVersion(try reader.readByte()))
            case 3: self = .malformedCommand(.unknownTag(try reader.readByte()))
            case 4: self = .malformedCommand(.truncated)
            case 5: self = .malformedCommand(.trailingBytes(try size(&reader)))
            case 6: self = .malformedCommand(.malformed(String(decoding: try reader.readBytes(), as: UTF8.self)))
            default: throw .unknownTag(inner)
            }
        default: throw .unknownTag(tag)
        }
    }
}
