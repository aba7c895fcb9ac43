/// Everything a ``KeelClient`` call can throw (besides `CancellationError` when the calling
/// task is cancelled).
///
/// The cases fall in two groups that matter to anyone recording what happened:
/// - **Definite failures**: the request was not applied. ``unavailable(lastFailure:)``,
///   ``conditionFailed(message:)``, ``invalidArgument(message:)``, ``tooLarge(message:)``,
///   ``unknownCommand(message:)``, ``wrongCluster(endpoint:message:)``,
///   ``unsupportedVersion(endpoint:message:)`` and ``invalidEndpoint(_:)``.
/// - **Unknown outcome**: a write may or may not have been applied (exactly once, never
///   twice). ``timedOut(lastFailure:)``, ``serverFailure(code:message:)``,
///   ``unexpectedResponse(_:)`` and ``shutDown``.
///
/// ``outcomeIsUnknown`` tells the two apart without a switch.
public enum KeelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The deadline passed after the request had reached a node, and no node confirmed or
    /// refused it in time. **The outcome is unknown**: a write may have been applied (once).
    /// Also thrown, before the deadline, by a membership change or leadership transfer whose
    /// attempt was lost in flight: those are not repeated blindly. `lastFailure` is the last
    /// thing that went wrong, for logs.
    case timedOut(lastFailure: String)
    /// The deadline passed before any node accepted the request: every attempt failed in a
    /// way that proves nothing was applied (no connection, no leader, overloaded).
    /// `lastFailure` is the last thing that went wrong.
    case unavailable(lastFailure: String)
    /// The node at `endpoint` belongs to another cluster than the configured cluster id.
    case wrongCluster(endpoint: KeelEndpoint, message: String)
    /// The node at `endpoint` does not speak this client's protocol version.
    case unsupportedVersion(endpoint: KeelEndpoint, message: String)
    /// A compare-and-set condition (alone or inside a batch) did not hold; nothing was
    /// written.
    case conditionFailed(message: String)
    /// The cluster refused the request as malformed or out of range (an increment of a value
    /// that is not a counter, an overflow); nothing was written.
    case invalidArgument(message: String)
    /// The request, a value or the result is over a size limit; nothing was written.
    case tooLarge(message: String)
    /// The node does not know this operation (it runs older software); nothing was written.
    case unknownCommand(message: String)
    /// The node failed while handling the request (`INTERNAL`, or an error code this client
    /// does not know). The outcome is unknown. `code` is the protocol's numeric code.
    case serverFailure(code: Int32, message: String)
    /// The node answered with something this client cannot read (a result of the wrong kind
    /// or one from a newer protocol). The outcome is unknown.
    case unexpectedResponse(String)
    /// An endpoint is not `host:port`.
    case invalidEndpoint(String)
    /// The client was shut down before the call finished; a write that was in flight may or
    /// may not have been applied.
    case shutDown

    /// Whether a write that failed with this error may nevertheless have been applied.
    ///
    /// `true` means "unknown": the write was applied once or not at all, never twice. Retry it
    /// through the same client only if a second application would be harmless, or read the
    /// key to find out.
    public var outcomeIsUnknown: Bool {
        switch self {
        case .timedOut, .serverFailure, .unexpectedResponse, .shutDown:
            return true
        case .unavailable, .wrongCluster, .unsupportedVersion, .conditionFailed, .invalidArgument, .tooLarge,
            .unknownCommand, .invalidEndpoint:
            return false
        }
    }

    public var description: String {
        switch self {
        case .timedOut(let lastFailure):
            return "Keel request timed out with an unknown outcome (last failure: \(lastFailure)); "
                + "a write may or may not have been applied. Read the key to find out, or raise the timeout."
        case .unavailable(let lastFailure):
            return "No Keel node accepted the request before its deadline (last failure: \(lastFailure)); "
                + "nothing was applied. Check that the nodes are running, reachable and have elected a leader."
        case .wrongCluster(let endpoint, let message):
            return "The Keel node at \(endpoint) belongs to another cluster (\(message)); "
                + "check the endpoints and the configured cluster id."
        case .unsupportedVersion(let endpoint, let message):
            return "The Keel node at \(endpoint) does not support this client's protocol version (\(message)); "
                + "upgrade the client or the node."
        case .conditionFailed(let message):
            return "Compare-and-set condition did not hold, nothing was written (\(message)); "
                + "read the current value and decide again."
        case .invalidArgument(let message):
            return "Keel refused the request as invalid (\(message)); nothing was written. Fix the request; "
                + "retrying it unchanged fails again."
        case .tooLarge(let message):
            return "The request or its result is over a Keel size limit (\(message)); nothing was written. "
                + "Split it into smaller requests, or scan with a smaller limit."
        case .unknownCommand(let message):
            return "The Keel node does not know this operation (\(message)); it runs older software than the client."
        case .serverFailure(let code, let message):
            return "A Keel node failed while handling the request (code \(code): \(message)); "
                + "the outcome is unknown. See the node's log."
        case .unexpectedResponse(let detail):
            return "A Keel node sent an answer this client cannot read (\(detail)); the outcome is unknown. "
                + "Check that client and nodes run compatible versions."
        case .invalidEndpoint(let text):
            return "\"\(text)\" is not a Keel endpoint; write it as host:port."
        case .shutDown:
            return "The Keel client was shut down; a write still in flight may or may not have been applied."
        }
    }
}
