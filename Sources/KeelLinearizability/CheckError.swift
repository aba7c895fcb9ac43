/// A history the checker cannot check.
public enum CheckError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The operations on one key belong to different models (for example `write` and `incr`)
    /// and no model was given for the key.
    case mixedModels(key: String)

    public var description: String {
        switch self {
        case .mixedModels(let key):
            "key \(HistoryValue.string(key).jsonText) mixes operations of different models; name its model explicitly"
        }
    }
}
