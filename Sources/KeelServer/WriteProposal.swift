import KeelStore

/// One client write on its way into the log.
struct WriteProposal: Sendable {
    var clientID: UInt64
    var sequence: UInt64
    var command: Command
    var completion: @Sendable (WriteOutcome) -> Void
}
