/// Why a frame's payload is not a valid message.
public enum WireDecodingError: Error, Sendable, Hashable {
    /// protobuf-c could not parse the bytes as `messageType` (truncated or malformed
    /// encoding, a length past the end, a wrong wire type). Nothing of the message is known,
    /// so the connection cannot answer it: the receiver closes.
    case unparsable(messageType: String, byteCount: Int)
    /// The bytes parsed, but `field` holds something this version cannot accept (an unknown
    /// enum value, a required choice left unset, a string that is not UTF-8).
    /// `requestID` is the id of the ``ClientRequest`` or ``ClientResponse`` that carried it,
    /// when there is one, so that only that exchange fails (a server answers
    /// ``ErrorCode/invalidArgument``) while the connection stays up.
    case invalidField(messageType: String, field: String, reason: String, requestID: UInt64?)

    /// The id of the request or response the bad field came in, if known.
    public var requestID: UInt64? {
        switch self {
        case .unparsable:
            return nil
        case .invalidField(_, _, _, let requestID):
            return requestID
        }
    }
}
