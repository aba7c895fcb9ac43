import CKeelProto
import NIOCore

/// The answer to the ``ClientRequest`` with the same ``id``. Answers may come back in any
/// order; there is exactly one final answer per request that the server read (a write sent
/// with ``ClientRequest/acknowledgeCommit`` may get a ``ClientResult/committed(index:)``
/// before it).
public struct ClientResponse: WireMessage {
    /// The id of the request this answers.
    public var id: UInt64
    /// The outcome.
    public var result: ClientResult

    /// Creates a response.
    /// - Parameters:
    ///   - id: The id of the request this answers.
    ///   - result: The outcome.
    public init(id: UInt64, result: ClientResult) {
        self.id = id
        self.result = result
    }

    public func encode(into buffer: inout ByteBuffer) {
        self.encodeWithProtobufC(into: &buffer)
    }

    /// Decodes a response.
    ///
    /// An unset or unknown result decodes as ``ClientResult/unknown``.
    /// - Throws: ``WireDecodingError``; an `invalidField` error carries the response's id so
    ///   the client can fail that request alone.
    public init(decoding buffer: ByteBuffer) throws(WireDecodingError) {
        try self.init(decodingWithProtobufC: buffer)
    }
}

extension ClientResponse: CMessageConvertible {
    static let codec = ProtobufCCodec<Keel__Response>(
        messageType: "keel.Response",
        packedSize: keel__response__get_packed_size,
        pack: keel__response__pack,
        unpack: keel__response__unpack
    )

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__Response> {
        let message = arena.message(keel__response__init)
        message.pointee.id = self.id
        switch self.result {
        case .error(let error):
            message.pointee.result_case = KEEL__RESPONSE__RESULT_ERROR
            message.pointee.error = error.cMessage(in: arena)
        case .committed(let index):
            let committed = arena.message(keel__committed__init)
            committed.pointee.index = index
            message.pointee.result_case = KEEL__RESPONSE__RESULT_COMMITTED
            message.pointee.committed = committed
        case .get(let value, let appliedIndex):
            let get = arena.message(keel__get_result__init)
            get.pointee.found = value != nil ? 1 : 0
            get.pointee.value = arena.binaryData(value ?? [])
            get.pointee.applied_index = appliedIndex
            message.pointee.result_case = KEEL__RESPONSE__RESULT_GET
            message.pointee.get = get
        case .put(let appliedIndex):
            let put = arena.message(keel__put_result__init)
            put.pointee.applied_index = appliedIndex
            message.pointee.result_case = KEEL__RESPONSE__RESULT_PUT
            message.pointee.put = put
        case .delete(let appliedIndex):
            let delete = arena.message(keel__delete_result__init)
            delete.pointee.applied_index = appliedIndex
            message.pointee.result_case = KEEL__RESPONSE__RESULT_DELETE
            message.pointee.delete_ = delete
        case .compareAndSet(let appliedIndex):
            let compareAndSet = arena.message(keel__compare_and_set_result__init)
            compareAndSet.pointee.applied_index = appliedIndex
            message.pointee.result_case = KEEL__RESPONSE__RESULT_COMPARE_AND_SET
            message.pointee.compare_and_set = compareAndSet
        case .increment(let value, let appliedIndex):
            let increment = arena.message(keel__increment_result__init)
            increment.pointee.value = value
            increment.pointee.applied_index = appliedIndex
            message.pointee.result_case = KEEL__RESPONSE__RESULT_INCREMENT
            message.pointee.increment = increment
        case .batch(let incrementValues, let appliedIndex):
            let batch = arena.message(keel__batch_result__init)
            batch.pointee.applied_index = appliedIndex
            batch.pointee.n_increment_values = incrementValues.count
            batch.pointee.increment_values = arena.array(incrementValues)
            message.pointee.result_case = KEEL__RESPONSE__RESULT_BATCH
            message.pointee.batch = batch
        case .scan(let entries, let more, let appliedIndex):
            let scan = arena.message(keel__scan_result__init)
            let cEntries = entries.map { entry -> UnsafeMutablePointer<Keel__KeyValue>? in
                let cEntry = arena.message(keel__key_value__init)
                cEntry.pointee.key = arena.binaryData(entry.key)
                cEntry.pointee.value = arena.binaryData(entry.value)
                return cEntry
            }
            scan.pointee.n_entries = cEntries.count
            scan.pointee.entries = arena.array(cEntries)
            scan.pointee.more = more ? 1 : 0
            scan.pointee.applied_index = appliedIndex
            message.pointee.result_case = KEEL__RESPONSE__RESULT_SCAN
            message.pointee.scan = scan
        case .getMany(let values, let appliedIndex):
            let getMany = arena.message(keel__get_many_result__init)
            let cValues = values.map { value -> UnsafeMutablePointer<Keel__GetManyValue>? in
                let cValue = arena.message(keel__get_many_value__init)
                cValue.pointee.found = value != nil ? 1 : 0
                cValue.pointee.value = arena.binaryData(value ?? [])
                return cValue
            }
            getMany.pointee.n_values = cValues.count
            getMany.pointee.values = arena.array(cValues)
            getMany.pointee.applied_index = appliedIndex
            message.pointee.result_case = KEEL__RESPONSE__RESULT_GET_MANY
            message.pointee.get_many = getMany
        case .sortedSet(let sortedSet):
            sortedSet.attach(to: message, in: arena)
        case .admin(let admin):
            admin.attach(to: message, in: arena)
        case .unknown:
            // An unset oneof is how an unknown result looks on the wire.
            break
        }
        return message
    }

    init(_ message: Keel__Response, reader: CFieldReader) throws(WireDecodingError) {
        var reader = reader
        reader.requestID = message.id
        self.id = message.id
        switch message.result_case {
        case KEEL__RESPONSE__RESULT_ERROR:
            self.result = .error(try ErrorReply(try reader.present(message.error, field: "error"), reader: reader))
        case KEEL__RESPONSE__RESULT_COMMITTED:
            self.result = .committed(index: try reader.present(message.committed, field: "committed").index)
        case KEEL__RESPONSE__RESULT_GET:
            let get = try reader.present(message.get, field: "get")
            self.result = .get(value: get.found != 0 ? reader.bytes(get.value) : nil, appliedIndex: get.applied_index)
        case KEEL__RESPONSE__RESULT_PUT:
            self.result = .put(appliedIndex: try reader.present(message.put, field: "put").applied_index)
        case KEEL__RESPONSE__RESULT_DELETE:
            self.result = .delete(appliedIndex: try reader.present(message.delete_, field: "delete").applied_index)
        case KEEL__RESPONSE__RESULT_COMPARE_AND_SET:
            let compareAndSet = try reader.present(message.compare_and_set, field: "compare_and_set")
            self.result = .compareAndSet(appliedIndex: compareAndSet.applied_index)
        case KEEL__RESPONSE__RESULT_INCREMENT:
            let increment = try reader.present(message.increment, field: "increment")
            self.result = .increment(value: increment.value, appliedIndex: increment.applied_index)
        case KEEL__RESPONSE__RESULT_BATCH:
            let batch = try reader.present(message.batch, field: "batch")
            self.result = .batch(
                incrementValues: reader.scalars(batch.increment_values, count: batch.n_increment_values),
                appliedIndex: batch.applied_index
            )
        case KEEL__RESPONSE__RESULT_SCAN:
            let scan = try reader.present(message.scan, field: "scan")
            let entries = try reader.messages(scan.entries, count: scan.n_entries, field: "scan.entries") {
                entry throws(WireDecodingError) -> KeyValue in
                KeyValue(key: reader.bytes(entry.key), value: reader.bytes(entry.value))
            }
            self.result = .scan(entries: entries, more: scan.more != 0, appliedIndex: scan.applied_index)
        case KEEL__RESPONSE__RESULT_GET_MANY:
            let getMany = try reader.present(message.get_many, field: "get_many")
            let values = try reader.messages(getMany.values, count: getMany.n_values, field: "get_many.values") {
                value throws(WireDecodingError) -> [UInt8]? in
                value.found != 0 ? reader.bytes(value.value) : nil
            }
            self.result = .getMany(values: values, appliedIndex: getMany.applied_index)
        default:
            // Unset, or a result kind this build does not know.
            if let sortedSet = try SortedSetResult.decode(message, reader: reader) {
                self.result = .sortedSet(sortedSet)
            } else if let admin = try AdminResult.decode(message, reader: reader) {
                self.result = .admin(admin)
            } else {
                self.result = .unknown
            }
        }
    }
}
