/// How an operation ended, as written in the `type` field of its completion line.
public enum Outcome: String, Hashable, Sendable, Codable {
    /// It took effect, and its output is what the client saw.
    case ok
    /// It certainly did not take effect; the checker drops it.
    case fail
    /// Unknown (a timeout, a lost connection): it may or may not have taken effect, at any
    /// moment after its call. Its return time is treated as the end of time.
    case info
}
