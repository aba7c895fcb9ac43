import CKeelProto

/// How a sorted-set add treats a member that is already in the set. New members are always
/// added.
public enum SortedSetAddMode: Int32, Sendable, Hashable, CaseIterable {
    /// Replace the score of an existing member.
    case upsert = 0
    /// Leave existing members alone.
    case onlyIfAbsent = 1
    /// Replace an existing member's score only with a greater one.
    case onlyIfGreater = 2

    init(_ value: Keel__SortedSetAddMode, reader: CFieldReader, field: String) throws(WireDecodingError) {
        let raw = Int32(truncatingIfNeeded: value.rawValue)
        guard let mode = SortedSetAddMode(rawValue: raw) else {
            throw reader.invalid(field, "unknown sorted-set add mode \(raw)")
        }
        self = mode
    }

    var cValue: Keel__SortedSetAddMode {
        Keel__SortedSetAddMode(rawValue: .init(truncatingIfNeeded: self.rawValue))
    }
}
