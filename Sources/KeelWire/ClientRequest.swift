import CKeelProto
import NIOCore

/// One request from a client. Many may be in flight on a connection; the answer is the
/// ``ClientResponse`` with the same ``id``, in any order.
public struct ClientRequest: WireMessage {
    /// Chosen by the client, unique among its requests in flight on the connection.
    public var id: UInt64
    /// How long the client will wait, in milliseconds; 0 means the server's default.
    public var timeoutMilliseconds: UInt64
    /// Exactly-once stamp for writes; ignored for reads. Without one, a retried write may be
    /// applied twice.
    public var session: WriteSession?
    /// Writes only: the node also answers with ``ClientResult/committed(index:)`` as soon as
    /// the write's entry is committed, before it applies it; the final answer follows under the
    /// same id.
    public var acknowledgeCommit: Bool
    /// What the request asks for.
    public var operation: ClientOperation

    /// Creates a request.
    /// - Parameters:
    ///   - id: Unique among the client's requests in flight on the connection.
    ///   - timeoutMilliseconds: The deadline, or 0 for the server's default.
    ///   - session: The exactly-once stamp for a write.
    ///   - acknowledgeCommit: Whether a write is also answered at its commit.
    ///   - operation: What to do.
    public init(
        id: UInt64,
        timeoutMilliseconds: UInt64 = 0,
        session: WriteSession? = nil,
        acknowledgeCommit: Bool = false,
        operation: ClientOperation
    ) {
        self.id = id
        self.timeoutMilliseconds = timeoutMilliseconds
        self.session = session
        self.acknowledgeCommit = acknowledgeCommit
        self.operation = operation
    }

    public func encode(into buffer: inout ByteBuffer) {
        self.encodeWithProtobufC(into: &buffer)
    }

    /// Decodes a request.
    ///
    /// An unset or unknown operation decodes as ``ClientOperation/unknown``.
    /// - Throws: ``WireDecodingError``; an `invalidField` error carries the request's id so
    ///   the server can answer that request and keep the connection.
    public init(decoding buffer: ByteBuffer) throws(WireDecodingError) {
        try self.init(decodingWithProtobufC: buffer)
    }
}

extension ClientRequest: CMessageConvertible {
    static let codec = ProtobufCCodec<Keel__Request>(
        messageType: "keel.Request",
        packedSize: keel__request__get_packed_size,
        pack: keel__request__pack,
        unpack: keel__request__unpack
    )

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__Request> {
        let message = arena.message(keel__request__init)
        message.pointee.id = self.id
        message.pointee.timeout_ms = self.timeoutMilliseconds
        if let session = self.session {
            let cSession = arena.message(keel__session__init)
            cSession.pointee.client_id = session.clientID
            cSession.pointee.sequence = session.sequence
            message.pointee.session = cSession
        }
        message.pointee.acknowledge_commit = self.acknowledgeCommit ? 1 : 0
        switch self.operation {
        case .get(let key, let consistency):
            let get = arena.message(keel__get_request__init)
            get.pointee.key = arena.binaryData(key)
            get.pointee.consistency = consistency.cValue
            message.pointee.op_case = KEEL__REQUEST__OP_GET
            message.pointee.get = get
        case .write(let write):
            switch write.cMessage(in: arena) {
            case .put(let put):
                message.pointee.op_case = KEEL__REQUEST__OP_PUT
                message.pointee.put = put
            case .delete(let delete):
                message.pointee.op_case = KEEL__REQUEST__OP_DELETE
                message.pointee.delete_ = delete
            case .compareAndSet(let compareAndSet):
                message.pointee.op_case = KEEL__REQUEST__OP_COMPARE_AND_SET
                message.pointee.compare_and_set = compareAndSet
            case .increment(let increment):
                message.pointee.op_case = KEEL__REQUEST__OP_INCREMENT
                message.pointee.increment = increment
            }
        case .batch(let writes):
            let batch = arena.message(keel__batch_request__init)
            let ops = writes.map { write -> UnsafeMutablePointer<Keel__WriteOp>? in
                let op = arena.message(keel__write_op__init)
                switch write.cMessage(in: arena) {
                case .put(let put):
                    op.pointee.op_case = KEEL__WRITE_OP__OP_PUT
                    op.pointee.put = put
                case .delete(let delete):
                    op.pointee.op_case = KEEL__WRITE_OP__OP_DELETE
                    op.pointee.delete_ = delete
                case .compareAndSet(let compareAndSet):
                    op.pointee.op_case = KEEL__WRITE_OP__OP_COMPARE_AND_SET
                    op.pointee.compare_and_set = compareAndSet
                case .increment(let increment):
                    op.pointee.op_case = KEEL__WRITE_OP__OP_INCREMENT
                    op.pointee.increment = increment
                }
                return op
            }
            batch.pointee.n_ops = ops.count
            batch.pointee.ops = arena.array(ops)
            message.pointee.op_case = KEEL__REQUEST__OP_BATCH
            message.pointee.batch = batch
        case .scan(let prefix, let startAfter, let limit, let consistency):
            let scan = arena.message(keel__scan_request__init)
            scan.pointee.prefix = arena.binaryData(prefix)
            if let startAfter {
                scan.pointee.start_case = KEEL__SCAN_REQUEST__START_START_AFTER
                scan.pointee.start_after = arena.binaryData(startAfter)
            }
            scan.pointee.limit = limit
            scan.pointee.consistency = consistency.cValue
            message.pointee.op_case = KEEL__REQUEST__OP_SCAN
            message.pointee.scan = scan
        case .getMany(let keys, let consistency):
            let getMany = arena.message(keel__get_many_request__init)
            getMany.pointee.n_keys = keys.count
            getMany.pointee.keys = arena.array(keys.map { arena.binaryData($0) })
            getMany.pointee.consistency = consistency.cValue
            message.pointee.op_case = KEEL__REQUEST__OP_GET_MANY
            message.pointee.get_many = getMany
        case .sortedSet(let sortedSet):
            sortedSet.attach(to: message, in: arena)
        case .admin(let admin):
            admin.attach(to: message, in: arena)
        case .unknown:
            // Leaving the oneof unset is exactly how an unknown operation looks on the wire.
            break
        }
        return message
    }

    init(_ message: Keel__Request, reader: CFieldReader) throws(WireDecodingError) {
        var reader = reader
        reader.requestID = message.id
        self.id = message.id
        self.timeoutMilliseconds = message.timeout_ms
        self.session = message.session.map {
            WriteSession(clientID: $0.pointee.client_id, sequence: $0.pointee.sequence)
        }
        self.acknowledgeCommit = message.acknowledge_commit != 0
        switch message.op_case {
        case KEEL__REQUEST__OP_GET:
            let get = try reader.present(message.get, field: "get")
            self.operation = .get(
                key: reader.bytes(get.key),
                consistency: try Consistency(get.consistency, reader: reader, field: "get.consistency")
            )
        case KEEL__REQUEST__OP_PUT:
            self.operation = .write(.put(try reader.present(message.put, field: "put"), reader: reader))
        case KEEL__REQUEST__OP_DELETE:
            self.operation = .write(.delete(try reader.present(message.delete_, field: "delete"), reader: reader))
        case KEEL__REQUEST__OP_COMPARE_AND_SET:
            self.operation = .write(
                try .compareAndSet(
                    try reader.present(message.compare_and_set, field: "compare_and_set"),
                    reader: reader,
                    field: "compare_and_set"
                )
            )
        case KEEL__REQUEST__OP_INCREMENT:
            self.operation = .write(
                .increment(try reader.present(message.increment, field: "increment"), reader: reader)
            )
        case KEEL__REQUEST__OP_BATCH:
            let batch = try reader.present(message.batch, field: "batch")
            let writes = try reader.messages(batch.ops, count: batch.n_ops, field: "batch.ops") {
                op throws(WireDecodingError) -> WriteOperation in
                try ClientRequest.writeOperation(op, reader: reader)
            }
            self.operation = .batch(writes)
        case KEEL__REQUEST__OP_SCAN:
            let scan = try reader.present(message.scan, field: "scan")
            self.operation = .scan(
                prefix: reader.bytes(scan.prefix),
                startAfter: scan.start_case == KEEL__SCAN_REQUEST__START_START_AFTER
                    ? reader.bytes(scan.start_after) : nil,
                limit: scan.limit,
                consistency: try Consistency(scan.consistency, reader: reader, field: "scan.consistency")
            )
        case KEEL__REQUEST__OP_GET_MANY:
            let getMany = try reader.present(message.get_many, field: "get_many")
            self.operation = .getMany(
                keys: reader.scalars(getMany.keys, count: getMany.n_keys).map { reader.bytes($0) },
                consistency: try Consistency(getMany.consistency, reader: reader, field: "get_many.consistency")
            )
        default:
            // Unset, or a field number this build does not know: protobuf-c keeps the latter
            // among the unknown fields and reports the oneof as unset.
            if let sortedSet = try SortedSetOperation.decode(message, reader: reader) {
                self.operation = .sortedSet(sortedSet)
            } else if let admin = try AdminOperation.decode(message, reader: reader) {
                self.operation = .admin(admin)
            } else {
                self.operation = .unknown
            }
        }
    }

    private static func writeOperation(
        _ op: Keel__WriteOp,
        reader: CFieldReader
    ) throws(WireDecodingError) -> WriteOperation {
        switch op.op_case {
        case KEEL__WRITE_OP__OP_PUT:
            return .put(try reader.present(op.put, field: "batch.ops.put"), reader: reader)
        case KEEL__WRITE_OP__OP_DELETE:
            return .delete(try reader.present(op.delete_, field: "batch.ops.delete"), reader: reader)
        case KEEL__WRITE_OP__OP_COMPARE_AND_SET:
            return try .compareAndSet(
                try reader.present(op.compare_and_set, field: "batch.ops.compare_and_set"),
                reader: reader,
                field: "batch.ops.compare_and_set"
            )
        case KEEL__WRITE_OP__OP_INCREMENT:
            return .increment(try reader.present(op.increment, field: "batch.ops.increment"), reader: reader)
        default:
            // A batch is all or nothing, so one unreadable step makes the whole batch invalid.
            throw reader.invalid("batch.ops", "a write op is unset or of a kind this build does not know")
        }
    }
}
