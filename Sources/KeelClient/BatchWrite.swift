import KeelWire

/// One write inside an atomic batch (``KeelClient/batch(_:timeout:)``).
public enum BatchWrite: Sendable, Hashable {
    /// Stores `value` under `key`.
    case put(key: [UInt8], value: [UInt8])
    /// Removes `key` (an absent key is fine).
    case delete(key: [UInt8])
    /// Writes `replacement` only if `key` matches `expected`; when it does not, the whole
    /// batch fails with ``KeelError/conditionFailed(message:)`` and nothing is written.
    case compareAndSet(key: [UInt8], expected: CompareAndSetExpectation, replacement: CompareAndSetReplacement)
    /// Adds `delta` to the 64-bit counter at `key`.
    case increment(key: [UInt8], delta: Int64)

    var wireValue: WriteOperation {
        switch self {
        case .put(let key, let value):
            return .put(key: key, value: value)
        case .delete(let key):
            return .delete(key: key)
        case .compareAndSet(let key, let expected, let replacement):
            return .compareAndSet(key: key, expected: expected.wireValue, newValue: replacement.wireValue)
        case .increment(let key, let delta):
            return .increment(key: key, delta: delta)
        }
    }
}

extension CompareAndSetExpectation {
    var wireValue: [UInt8]? {
        switch self {
        case .value(let bytes):
            return bytes
        case .absent:
            return nil
        }
    }
}

extension CompareAndSetReplacement {
    var wireValue: [UInt8]? {
        switch self {
        case .value(let bytes):
            return bytes
        case .delete:
            return nil
        }
    }
}
