import KeelStore
import NIOCore

/// One client write on its way into the log.
struct WriteProposal: Sendable {
    var clientID: UInt64
    var sequence: UInt64
    var command: Command
    /// The event loop `completion` would hop to; the driver hands all answers for one loop
    /// over in one task (`ReplyBatch`). `nil`: call `completion` on the driver thread.
    var replyLoop: (any EventLoop)?
    /// Called (on `replyLoop`) with the entry's index once it is committed, before it is
    /// applied, for a client that asked to hear of the commit; `completion` still follows.
    var onCommit: (@Sendable (UInt64) -> Void)? = nil
    var completion: @Sendable (WriteOutcome) -> Void
}
