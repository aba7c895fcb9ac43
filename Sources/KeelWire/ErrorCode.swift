import CKeelProto

/// The reason in an ``ErrorReply``.
///
/// A struct rather than an enum because protobuf enums are open: a newer node may send a code
/// this build does not know, and it must still arrive intact (its ``rawValue`` is kept).
public struct ErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The protobuf enum value.
    public var rawValue: Int32

    /// Creates a code from its protobuf value, known or not.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// No code was set; treat as ``internal``.
    public static let unspecified = ErrorCode(rawValue: 0)
    /// The request is malformed or its values are out of range; retrying will not help.
    public static let invalidArgument = ErrorCode(rawValue: 1)
    /// This node is not the leader; the reply names the leader when it is known.
    public static let notLeader = ErrorCode(rawValue: 2)
    /// The node cannot serve now (no leader, shutting down); retry later or elsewhere.
    public static let unavailable = ErrorCode(rawValue: 3)
    /// The request's deadline passed; whether a write took effect is unknown.
    public static let timeout = ErrorCode(rawValue: 4)
    /// The request or its result is over a size limit.
    public static let tooLarge = ErrorCode(rawValue: 5)
    /// The request's operation is unset or unknown to this node.
    public static let unknownCommand = ErrorCode(rawValue: 6)
    /// The hello named another cluster.
    public static let wrongCluster = ErrorCode(rawValue: 7)
    /// The preface's protocol version is not supported.
    public static let unsupportedVersion = ErrorCode(rawValue: 8)
    /// A compare-and-set condition (alone or in a batch) did not hold; nothing was written.
    public static let conditionFailed = ErrorCode(rawValue: 9)
    /// Too many requests in flight on this connection or node; back off and retry.
    public static let overloaded = ErrorCode(rawValue: 10)
    /// A bug or an unexpected failure on the node.
    public static let `internal` = ErrorCode(rawValue: 11)

    private static let names: [Int32: String] = [
        0: "UNSPECIFIED", 1: "INVALID_ARGUMENT", 2: "NOT_LEADER", 3: "UNAVAILABLE", 4: "TIMEOUT",
        5: "TOO_LARGE", 6: "UNKNOWN_COMMAND", 7: "WRONG_CLUSTER", 8: "UNSUPPORTED_VERSION",
        9: "CONDITION_FAILED", 10: "OVERLOADED", 11: "INTERNAL",
    ]

    /// The code's name as in `keel.proto` without its prefix, or its number when unknown.
    public var description: String {
        ErrorCode.names[self.rawValue] ?? "ERROR_CODE(\(self.rawValue))"
    }

    init(_ code: Keel__ErrorCode) {
        self.init(rawValue: Int32(truncatingIfNeeded: code.rawValue))
    }

    var cValue: Keel__ErrorCode {
        Keel__ErrorCode(rawValue: .init(truncatingIfNeeded: self.rawValue))
    }
}
