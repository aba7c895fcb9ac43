/// The result of checking one key.
public enum Verdict: Hashable, Sendable {
    case linearizable
    case notLinearizable(FailureWindow)
    /// The search ran out of steps or time; nothing is proven either way.
    case unknown(reason: String)
}
