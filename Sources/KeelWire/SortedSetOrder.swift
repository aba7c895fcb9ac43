import CKeelProto

/// The order of a sorted-set range.
public enum SortedSetOrder: Int32, Sendable, Hashable, CaseIterable {
    /// Highest score first (for feeds whose scores are timestamps: newest first).
    case newestFirst = 0
    /// Lowest score first.
    case oldestFirst = 1

    init(_ value: Keel__SortedSetOrder, reader: CFieldReader, field: String) throws(WireDecodingError) {
        let raw = Int32(truncatingIfNeeded: value.rawValue)
        guard let order = SortedSetOrder(rawValue: raw) else {
            throw reader.invalid(field, "unknown sorted-set order \(raw)")
        }
        self = order
    }

    var cValue: Keel__SortedSetOrder {
        Keel__SortedSetOrder(rawValue: .init(truncatingIfNeeded: self.rawValue))
    }
}
