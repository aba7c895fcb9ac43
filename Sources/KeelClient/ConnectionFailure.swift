import KeelWire

/// Why one attempt on one node's connection did not produce an answer. The client's retry
/// loop turns these into retries or ``KeelError``s.
enum ConnectionFailure: Error, Sendable {
    /// No connection could be opened (refused, unreachable, connect timeout): the request was
    /// not sent.
    case connectFailed(String)
    /// The node refused the handshake (wrong cluster, unsupported version, shutting down).
    case handshakeRejected(ErrorReply)
    /// The connection closed or failed. `requestSent` tells whether the request may have
    /// reached the node (then a write's outcome is unknown).
    case lost(String, requestSent: Bool)
    /// The call's deadline passed while waiting on this connection.
    case deadlinePassed(requestSent: Bool)
    /// The calling task was cancelled.
    case cancelled(requestSent: Bool)
    /// The client is shutting down.
    case shutDown(requestSent: Bool)
    /// The node answered with bytes that are not a readable response to the request.
    case undecodableResponse(String)
    /// The encoded request is over the frame limit; it was not sent.
    case requestTooLarge(bytes: Int, limit: UInt32)
}

extension ConnectionFailure {
    /// The same failure, noting that the request had been written to the connection.
    var afterSending: ConnectionFailure {
        switch self {
        case .lost(let reason, _):
            return .lost(reason, requestSent: true)
        case .deadlinePassed:
            return .deadlinePassed(requestSent: true)
        case .cancelled:
            return .cancelled(requestSent: true)
        case .shutDown:
            return .shutDown(requestSent: true)
        case .connectFailed, .handshakeRejected, .undecodableResponse, .requestTooLarge:
            return self
        }
    }
}
