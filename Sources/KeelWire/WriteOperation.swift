import CKeelProto

/// A write to one key: a request on its own (``ClientOperation/write(_:)``) or one step of an
/// atomic batch (``ClientOperation/batch(_:)``).
public enum WriteOperation: Sendable, Hashable {
    /// Stores `value` under `key`, replacing any value.
    case put(key: [UInt8], value: [UInt8])
    /// Removes `key`; deleting an absent key succeeds.
    case delete(key: [UInt8])
    /// Replaces the value of `key` only if it currently holds `expected` (`nil`: only if the
    /// key is absent). `newValue` is the replacement (`nil`: delete the key). When the
    /// condition does not hold the answer is ``ErrorCode/conditionFailed`` and, in a batch,
    /// nothing of the batch is written.
    case compareAndSet(key: [UInt8], expected: [UInt8]?, newValue: [UInt8]?)
    /// Adds `delta` to the 64-bit counter at `key` (an absent key counts as 0); the result is
    /// the new value.
    case increment(key: [UInt8], delta: Int64)

    /// The key the operation writes.
    public var key: [UInt8] {
        switch self {
        case .put(let key, _), .delete(let key), .compareAndSet(let key, _, _), .increment(let key, _):
            return key
        }
    }
}

extension WriteOperation {
    /// The C sub-message for this operation, ready to hang into a `Request.op` or `WriteOp.op`.
    enum CMessage {
        case put(UnsafeMutablePointer<Keel__PutRequest>)
        case delete(UnsafeMutablePointer<Keel__DeleteRequest>)
        case compareAndSet(UnsafeMutablePointer<Keel__CompareAndSetRequest>)
        case increment(UnsafeMutablePointer<Keel__IncrementRequest>)
    }

    func cMessage(in arena: CMessageArena) -> CMessage {
        switch self {
        case .put(let key, let value):
            let message = arena.message(keel__put_request__init)
            message.pointee.key = arena.binaryData(key)
            message.pointee.value = arena.binaryData(value)
            return .put(message)
        case .delete(let key):
            let message = arena.message(keel__delete_request__init)
            message.pointee.key = arena.binaryData(key)
            return .delete(message)
        case .compareAndSet(let key, let expected, let newValue):
            let message = arena.message(keel__compare_and_set_request__init)
            message.pointee.key = arena.binaryData(key)
            if let expected {
                message.pointee.expected_case = KEEL__COMPARE_AND_SET_REQUEST__EXPECTED_EXPECTED_VALUE
                message.pointee.expected_value = arena.binaryData(expected)
            } else {
                message.pointee.expected_case = KEEL__COMPARE_AND_SET_REQUEST__EXPECTED_EXPECTED_ABSENT
                message.pointee.expected_absent = arena.message(keel__absent__init)
            }
            if let newValue {
                message.pointee.replacement_case = KEEL__COMPARE_AND_SET_REQUEST__REPLACEMENT_NEW_VALUE
                message.pointee.new_value = arena.binaryData(newValue)
            } else {
                message.pointee.replacement_case = KEEL__COMPARE_AND_SET_REQUEST__REPLACEMENT_NEW_ABSENT
                message.pointee.new_absent = arena.message(keel__absent__init)
            }
            return .compareAndSet(message)
        case .increment(let key, let delta):
            let message = arena.message(keel__increment_request__init)
            message.pointee.key = arena.binaryData(key)
            message.pointee.delta = delta
            return .increment(message)
        }
    }

    static func put(_ message: Keel__PutRequest, reader: CFieldReader) -> WriteOperation {
        .put(key: reader.bytes(message.key), value: reader.bytes(message.value))
    }

    static func delete(_ message: Keel__DeleteRequest, reader: CFieldReader) -> WriteOperation {
        .delete(key: reader.bytes(message.key))
    }

    static func compareAndSet(
        _ message: Keel__CompareAndSetRequest,
        reader: CFieldReader,
        field: String
    ) throws(WireDecodingError) -> WriteOperation {
        let expected: [UInt8]?
        switch message.expected_case {
        case KEEL__COMPARE_AND_SET_REQUEST__EXPECTED_EXPECTED_VALUE:
            expected = reader.bytes(message.expected_value)
        case KEEL__COMPARE_AND_SET_REQUEST__EXPECTED_EXPECTED_ABSENT:
            expected = nil
        default:
            throw reader.invalid("\(field).expected", "neither expected_value nor expected_absent is set")
        }
        let newValue: [UInt8]?
        switch message.replacement_case {
        case KEEL__COMPARE_AND_SET_REQUEST__REPLACEMENT_NEW_VALUE:
            newValue = reader.bytes(message.new_value)
        case KEEL__COMPARE_AND_SET_REQUEST__REPLACEMENT_NEW_ABSENT:
            newValue = nil
        default:
            throw reader.invalid("\(field).replacement", "neither new_value nor new_absent is set")
        }
        return .compareAndSet(key: reader.bytes(message.key), expected: expected, newValue: newValue)
    }

    static func increment(_ message: Keel__IncrementRequest, reader: CFieldReader) -> WriteOperation {
        .increment(key: reader.bytes(message.key), delta: message.delta)
    }
}
