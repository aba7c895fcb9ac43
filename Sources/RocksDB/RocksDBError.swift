import CRocksDB

/// An error reported by RocksDB, or by this wrapper when a handle is used after it was released.
///
/// RocksDB reports failures as a `Status` rendered to text (`"IO error: ..."`,
/// `"Corruption: ..."`); ``kind`` is derived from that text so callers can branch on it, and
/// ``message`` keeps RocksDB's words for logs.
public struct RocksDBError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, derived from the prefix of RocksDB's status message.
    public enum Kind: Sendable, Hashable {
        /// `NotFound`: a file or object RocksDB needed does not exist (a missing key is not an error).
        case notFound
        /// `Corruption`: data on disk failed a checksum or format check.
        case corruption
        /// `Not implemented`: the operation or option is not supported by this build.
        case notSupported
        /// `Invalid argument`, including options this build does not support.
        case invalidArgument
        /// `IO error` other than the more specific cases below.
        case ioError
        /// Another handle (in this or another process) holds the database's `LOCK` file.
        case lockHeld
        /// The device is full.
        case noSpace
        /// `Resource busy`.
        case busy
        /// `Operation timed out`.
        case timedOut
        /// `Operation aborted`.
        case aborted
        /// `Operation failed. Try again.`
        case tryAgain
        /// `Result incomplete`.
        case incomplete
        /// `Shutdown in progress`.
        case shutdownInProgress
        /// `Column family dropped`.
        case columnFamilyDropped
        /// The database was closed before this call (reported by the wrapper).
        case closed
        /// A column family handle that was dropped, closed, or belongs to another database
        /// (reported by the wrapper).
        case invalidColumnFamily
        /// A message without a recognised prefix.
        case other
    }

    /// The category of the failure.
    public let kind: Kind
    /// The message as RocksDB (or the wrapper) wrote it.
    public let message: String

    /// Creates an error with an explicit kind.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// Creates an error from a RocksDB status message, deriving ``kind`` from its prefix.
    public init(statusMessage message: String) {
        self.init(kind: Self.kind(ofStatusMessage: message), message: message)
    }

    public var description: String {
        "RocksDBError(\(kind)): \(message)"
    }

    static let closed = RocksDBError(kind: .closed, message: "the database is closed")

    /// Maps `Status::ToString()` prefixes (rocksdb/util/status.cc) to a kind.
    static func kind(ofStatusMessage message: String) -> Kind {
        if message.hasPrefix("IO error: ") {
            // The lock message differs between "held by this process" and "held by another".
            if message.contains("/LOCK:") || message.contains("lock hold by") || message.contains("While lock file") {
                return .lockHeld
            }
            if message.contains("No space left on device") {
                return .noSpace
            }
            return .ioError
        }
        let prefixes: [(String, Kind)] = [
            ("NotFound", .notFound),
            ("Corruption: ", .corruption),
            ("Not implemented: ", .notSupported),
            ("Invalid argument: ", .invalidArgument),
            ("Resource busy", .busy),
            ("Operation timed out", .timedOut),
            ("Operation aborted", .aborted),
            ("Operation failed. Try again.", .tryAgain),
            ("Result incomplete", .incomplete),
            ("Shutdown in progress", .shutdownInProgress),
            ("Column family dropped", .columnFamilyDropped),
        ]
        for (prefix, kind) in prefixes where message.hasPrefix(prefix) {
            return kind
        }
        if message.contains("No space left on device") {
            return .noSpace
        }
        return .other
    }
}

/// The single place where a RocksDB `errptr` becomes a Swift error.
///
/// Gives `body` a fresh, nil error pointer; if RocksDB stored a message there, frees it with
/// `rocksdb_free` and throws it as a ``RocksDBError``.
@inline(__always)
func throwingRocksDBError<Result>(
    _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Result
) throws(RocksDBError) -> Result {
    var errorMessage: UnsafeMutablePointer<CChar>? = nil
    let result = body(&errorMessage)
    if let errorMessage {
        let message = String(cString: errorMessage)
        rocksdb_free(errorMessage)
        throw RocksDBError(statusMessage: message)
    }
    return result
}
