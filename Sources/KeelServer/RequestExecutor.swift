import Dispatch
import KeelStore
import KeelWire
import NIOCore
import RocksDB

/// Turns client requests into driver events and store queries, and store results into wire
/// results. Shared by every client connection; it holds no per-connection state.
final class RequestExecutor: Sendable {
    let inbox: DriverInbox
    let store: KeelStore

    init(inbox: DriverInbox, store: KeelStore) {
        self.inbox = inbox
        self.store = store
    }

    static let shuttingDown = ErrorReply(code: .unavailable, message: "the node is shutting down")

    /// Executes `request`; `completion` runs once, on any thread.
    /// - Parameters:
    ///   - replyLoop: the event loop the caller wants the answer on; a write's answer then
    ///     comes in one task with the other answers for that loop (`completion` still checks
    ///     where it runs).
    ///   - committed: for a write, called with the entry's index once it is committed, before
    ///     `completion`; on `replyLoop` when one is given. The caller passes it only for a
    ///     request that asked (``ClientRequest/acknowledgeCommit``); reads ignore it.
    func execute(
        _ request: ClientRequest, replyLoop: (any EventLoop)? = nil,
        committed: (@Sendable (UInt64) -> Void)? = nil,
        completion: @escaping @Sendable (ClientResult) -> Void
    ) {
        switch request.operation {
        case .get, .getMany, .scan:
            let consistency: Consistency
            switch request.operation {
            case .get(_, let value), .getMany(_, let value), .scan(_, _, _, let value): consistency = value
            default: consistency = .linearizable
            }
            if consistency == .stale {
                completion(read(request.operation))
                return
            }
            readLinearizably(Self.footprint(of: request.operation), completion: completion) { [self] in
                self.read(request.operation)
            }
        case .write(let write):
            propose(
                Self.command(for: write), request: request, operation: write, replyLoop: replyLoop, committed: committed,
                completion: completion
            )
        case .batch(let writes):
            propose(
                .batch(writes.map(Self.batchOperation(for:))), request: request, operation: nil, replyLoop: replyLoop,
                committed: committed, completion: completion
            )
        case .sortedSet(let operation):
            executeSortedSet(operation, request: request, replyLoop: replyLoop, committed: committed, completion: completion)
        case .admin(let operation):
            if !inbox.post(.admin(operation, completion)) { completion(.error(Self.shuttingDown)) }
        case .unknown:
            completion(.error(ErrorReply(code: .unknownCommand, message: "the request names no operation this node knows")))
        }
    }

    /// Hands a linearizable (or lease) read of `footprint` to the driver, stamped with the
    /// time it was posted (its `queue` wait), and answers with `query()` once the driver
    /// grants it, or with the refusal.
    func readLinearizably(
        _ footprint: DataFootprint, completion: @escaping @Sendable (ClientResult) -> Void,
        query: @escaping @Sendable () -> ClientResult
    ) {
        let posted = inbox.post(.read(footprint, postedAt: DispatchTime.now().uptimeNanoseconds) { permission in
            switch permission {
            case .granted: completion(query())
            case .refused(let error): completion(.error(error))
            }
        })
        if !posted { completion(.error(Self.shuttingDown)) }
    }

    private func propose(
        _ command: Command, request: ClientRequest, operation: WriteOperation?, replyLoop: (any EventLoop)?,
        committed: (@Sendable (UInt64) -> Void)?, completion: @escaping @Sendable (ClientResult) -> Void
    ) {
        let proposal = WriteProposal(
            clientID: request.session?.clientID ?? 0, sequence: request.session?.sequence ?? 0, command: command,
            replyLoop: replyLoop, onCommit: committed
        ) { outcome in
            switch outcome {
            case .failed(let error):
                completion(.error(error))
            case .applied(let index, let result):
                completion(Self.clientResult(result, index: index, operation: operation))
            }
        }
        if !inbox.post(.propose(proposal)) { completion(.error(Self.shuttingDown)) }
    }

    /// The data a key-value read looks at.
    static func footprint(of read: ClientOperation) -> DataFootprint {
        switch read {
        case .get(let key, _): .items([.value(key)])
        case .getMany(let keys, _): .items(Set(keys.map(DataItem.value)))
        default: .everything
        }
    }

    static func command(for write: WriteOperation) -> Command {
        switch write {
        case .put(let key, let value): .put(key: key, value: value)
        case .delete(let key): .delete(key: key)
        case .compareAndSet(let key, let expected, let newValue): .compareAndSet(key: key, expected: expectation(expected), newValue: newValue)
        case .increment(let key, let delta): .increment(key: key, delta: delta)
        }
    }

    static func batchOperation(for write: WriteOperation) -> Command.BatchOperation {
        switch write {
        case .put(let key, let value): .put(key: key, value: value)
        case .delete(let key): .delete(key: key)
        case .compareAndSet(let key, let expected, let newValue): .compareAndSet(key: key, expected: expectation(expected), newValue: newValue)
        case .increment(let key, let delta): .increment(key: key, delta: delta)
        }
    }

    /// A wire compare-and-set's expected value (`nil`: the key must be absent).
    private static func expectation(_ expected: [UInt8]?) -> Command.CompareAndSetExpectation {
        expected.map { .value($0) } ?? .absent
    }

    /// The wire result of an applied command; `operation` is nil for a batch.
    static func clientResult(_ result: CommandResult, index: UInt64, operation: WriteOperation?) -> ClientResult {
        switch result {
        case .failed(let error):
            return .error(errorReply(for: error))
        case .compareAndSet(let swapped, _):
            return swapped ? .compareAndSet(appliedIndex: index)
                : .error(ErrorReply(code: .conditionFailed, message: "the key does not hold the expected value"))
        case .counter(let value):
            return .increment(value: value, appliedIndex: index)
        case .batchCounters(let values):
            return .batch(incrementValues: values, appliedIndex: index)
        case .done, .sortedSet:
            switch operation {
            case .put: return .put(appliedIndex: index)
            case .delete: return .delete(appliedIndex: index)
            case .compareAndSet: return .compareAndSet(appliedIndex: index)
            case .increment: return .error(ErrorReply(code: .internal, message: "increment produced no counter"))
            case nil: return .batch(incrementValues: [], appliedIndex: index)
            }
        }
    }

    /// The wire error of a failed command or query. Argument errors are INVALID_ARGUMENT with a
    /// message that names the limit broken (docs/storage.md lists them).
    /// - Parameter setLimit: the limit on sets that applies to the request (merged ranges have
    ///   their own).
    static func errorReply(for error: StoreError, setLimit: Int = StoreLimits.maxSetsPerCommand) -> ErrorReply {
        switch error {
        case .emptyKey:
            return ErrorReply(code: .invalidArgument, message: "a key or set key is empty; keys are 1 to \(StoreLimits.maxKeySize) bytes")
        case .keyTooLarge(let size):
            return ErrorReply(code: .invalidArgument, message: "a key or set key of \(size) bytes is over the limit of \(StoreLimits.maxKeySize) bytes")
        case .valueTooLarge(let size):
            return ErrorReply(code: .invalidArgument, message: "a value of \(size) bytes is over the limit of \(StoreLimits.maxValueSize) bytes")
        case .memberTooLarge(let size):
            return ErrorReply(code: .invalidArgument, message: "a member of \(size) bytes is over the limit of \(StoreLimits.maxMemberSize) bytes")
        case .emptyCommand:
            return ErrorReply(code: .invalidArgument, message: "the request names no member, set or operation; it needs at least one")
        case .tooManySets(let count):
            return ErrorReply(code: .invalidArgument, message: "\(count) sets is over the limit of \(setLimit) sets per request")
        case .tooManyMembers(let count):
            return ErrorReply(code: .invalidArgument, message: "\(count) members is over the limit of \(StoreLimits.maxMembersPerCommand) members per request")
        case .tooManyOperations(let count):
            return ErrorReply(code: .invalidArgument, message: "\(count) operations is over the limit of \(StoreLimits.maxBatchOperations) per batch")
        case .tooManyKeys(let count):
            return ErrorReply(code: .invalidArgument, message: "\(count) keys is over the limit of \(StoreLimits.maxKeysPerGet) keys per multi-get")
        case .replyTooLarge(let bytes):
            return ErrorReply(
                code: .tooLarge,
                message: "the values found total at least \(bytes) bytes, over the limit of \(StoreLimits.maxGetManyValueBytes) bytes per multi-get; ask for fewer keys"
            )
        case .nanScore:
            return ErrorReply(code: .invalidArgument, message: "a score is NaN; scores must be numbers (infinities are allowed)")
        case .invalidMaxLength:
            return ErrorReply(code: .invalidArgument, message: "a maximum length of 0; it must be at least 1 (delete the set to empty it)")
        case .invalidLimit(let limit):
            return ErrorReply(code: .invalidArgument, message: "a limit of \(limit); it must be 1 to \(StoreLimits.maxPageLimit)")
        case .invalidOffset(let offset):
            return ErrorReply(
                code: .invalidArgument,
                message: "an offset of \(offset); it must be 0 to \(StoreLimits.maxRangeOffset), and merged ranges take no offset"
            )
        case .notACounter:
            return ErrorReply(code: .invalidArgument, message: "the key holds a value that is not an 8-byte counter")
        case .counterOverflow:
            return ErrorReply(code: .invalidArgument, message: "the increment overflows 64 bits")
        case .staleSequence(let last):
            return ErrorReply(code: .invalidArgument, message: "session sequence is older than the last applied (\(last))")
        case .sessionExpired:
            return ErrorReply(code: .invalidArgument, message: "the client session expired; start a new session at sequence 1")
        case .wrongSetKind:
            return ErrorReply(
                code: .invalidArgument,
                message: "the set is entry-keyed (made by the add-entries commands) and this command is for member-keyed sets, or the other way round"
            )
        case .batchConditionFailed(let operation):
            return ErrorReply(
                code: .conditionFailed,
                message: "operation \(operation) of the batch: the key does not hold the expected value; nothing was written"
            )
        case .malformedCommand:
            return ErrorReply(code: .internal, message: "\(error)")
        }
    }

    /// Serves a read from the store's current applied state.
    func read(_ operation: ClientOperation) -> ClientResult {
        do {
            let snapshot = try store.snapshot()
            switch operation {
            case .get(let key, _):
                return .get(value: try snapshot.get(key), appliedIndex: snapshot.appliedIndex)
            case .getMany(let keys, _):
                // One snapshot for every key: the answer is one state of the store.
                return .getMany(values: try snapshot.getMany(keys), appliedIndex: snapshot.appliedIndex)
            case .scan(let prefix, let startAfter, let limit, _):
                let cap = StoreLimits.maxPageLimit
                let effective = limit == 0 ? cap : min(Int(limit), cap)
                let page = try snapshot.scan(prefix: prefix, startAfter: startAfter, limit: effective)
                return .scan(
                    entries: page.entries.map { KeelWire.KeyValue(key: $0.key, value: $0.value) },
                    more: page.nextStartAfter != nil, appliedIndex: snapshot.appliedIndex
                )
            default:
                return .error(ErrorReply(code: .internal, message: "not a read"))
            }
        } catch let error as StoreError {
            return .error(Self.errorReply(for: error))
        } catch {
            return .error(ErrorReply(code: .internal, message: "read failed: \(error)"))
        }
    }
}
