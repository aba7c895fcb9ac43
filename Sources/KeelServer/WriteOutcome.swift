import KeelStore
import KeelWire

/// What a proposed write came to.
enum WriteOutcome: Sendable {
    /// The entry at `index` was applied with `result`.
    case applied(index: UInt64, result: CommandResult)
    /// It was not (or may not have been) applied.
    case failed(ErrorReply)
}
