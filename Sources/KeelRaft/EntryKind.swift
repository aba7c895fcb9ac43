/// What a log entry carries, so that the driver knows how to apply it.
public enum EntryKind: UInt8, Sendable, Hashable {
    /// A client command for the state machine; `data` is opaque to Raft.
    case normal = 0
    /// A membership change; `data` is a `ConfigurationChangeEntry` encoding.
    case configurationChange = 1
    /// The empty entry a new leader appends at the start of its term (thesis 3.6.2, 6.4).
    /// The state machine ignores it.
    case noop = 2
}
