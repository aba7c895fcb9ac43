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
    var completion: @Sendable (WriteOutcome) -> Void
}
