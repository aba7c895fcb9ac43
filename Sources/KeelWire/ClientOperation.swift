/// What a ``ClientRequest`` asks for.
public enum ClientOperation: Sendable, Hashable {
    /// Reads the value of `key`.
    case get(key: [UInt8], consistency: Consistency)
    /// One write.
    case write(WriteOperation)
    /// Writes applied atomically, in order: all of them or (when a compare-and-set condition
    /// fails) none. An empty batch is valid and writes nothing.
    case batch([WriteOperation])
    /// Reads keys that start with `prefix`, in ascending byte order, beginning after
    /// `startAfter` when it is given, at most `limit` of them (0: the server's maximum).
    case scan(prefix: [UInt8], startAfter: [UInt8]?, limit: UInt32, consistency: Consistency)
    /// Reads the values of `keys` (0 to 1,000, repeats allowed) from one state of the node:
    /// one snapshot, and for linearizable reads one ReadIndex.
    case getMany(keys: [[UInt8]], consistency: Consistency)
    /// A sorted-set command (a write) or query (a read).
    case sortedSet(SortedSetOperation)
    /// An operator's request (status, membership, leadership, snapshot).
    case admin(AdminOperation)
    /// The request named no operation, or one this build does not know (a newer client).
    /// The server answers ``ErrorCode/unknownCommand``.
    case unknown

    /// Whether the operation changes state (and so goes through the log and uses the
    /// request's ``WriteSession``).
    public var isWrite: Bool {
        switch self {
        case .write, .batch:
            return true
        case .sortedSet(let operation):
            return operation.isWrite
        case .get, .getMany, .scan, .admin, .unknown:
            return false
        }
    }

    /// Whether the operation only reads data: a key-value or sorted-set read. Admin requests
    /// are neither reads nor writes (a membership change changes the cluster).
    public var isRead: Bool {
        switch self {
        case .get, .getMany, .scan:
            return true
        case .sortedSet(let operation):
            return !operation.isWrite
        case .write, .batch, .admin, .unknown:
            return false
        }
    }
}
