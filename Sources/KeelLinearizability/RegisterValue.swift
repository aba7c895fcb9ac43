/// A value held by a register: an integer or a string (JSON numbers without a fraction, or
/// JSON strings). An absent register is `nil` wherever a `RegisterValue?` appears.
public enum RegisterValue: Hashable, Sendable, CustomStringConvertible {
    case integer(Int64)
    case string(String)

    public var description: String {
        switch self {
        case .integer(let value): String(value)
        case .string(let value): HistoryValue.string(value).jsonText
        }
    }

    var historyValue: HistoryValue {
        switch self {
        case .integer(let value): .integer(value)
        case .string(let value): .string(value)
        }
    }
}
