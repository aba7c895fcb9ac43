import CKeelProto

/// Copies fields out of an unpacked protobuf-c message into Swift values, turning what Swift
/// cannot represent into ``WireDecodingError/invalidField(messageType:field:reason:requestID:)``.
struct CFieldReader {
    /// The top-level message being decoded.
    let messageType: String
    /// The id of the enclosing request or response, once it is known.
    var requestID: UInt64?

    init(messageType: String, requestID: UInt64? = nil) {
        self.messageType = messageType
        self.requestID = requestID
    }

    func invalid(_ field: String, _ reason: String) -> WireDecodingError {
        .invalidField(messageType: self.messageType, field: field, reason: reason, requestID: self.requestID)
    }

    /// A copy of a string field; protobuf-c gives proto3 strings a non-NULL empty default.
    func string(_ pointer: UnsafePointer<CChar>?, field: String) throws(WireDecodingError) -> String {
        guard let pointer else {
            return ""
        }
        guard let string = String(validatingCString: pointer) else {
            throw self.invalid(field, "not valid UTF-8")
        }
        return string
    }

    /// The pointee of a sub-message that the enclosing oneof case says is present.
    func present<Message>(_ pointer: UnsafeMutablePointer<Message>?, field: String) throws(WireDecodingError) -> Message {
        guard let pointer else {
            throw self.invalid(field, "marked present but missing")
        }
        return pointer.pointee
    }

    /// A copy of a bytes field.
    func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard data.len > 0, let start = data.data else {
            return []
        }
        return Array(UnsafeBufferPointer(start: start, count: data.len))
    }

    /// Copies of the elements of a repeated scalar field.
    func scalars<Element>(_ pointer: UnsafeMutablePointer<Element>?, count: Int) -> [Element] {
        guard count > 0, let pointer else {
            return []
        }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// The sub-messages of a repeated message field, each converted by `convert`.
    func messages<Message, Value>(
        _ pointers: UnsafeMutablePointer<UnsafeMutablePointer<Message>?>?,
        count: Int,
        field: String,
        _ convert: (Message) throws(WireDecodingError) -> Value
    ) throws(WireDecodingError) -> [Value] {
        guard count > 0, let pointers else {
            return []
        }
        var values: [Value] = []
        values.reserveCapacity(count)
        for index in 0..<count {
            // The field name is built only for the error: per element it cost a string each.
            guard let element = pointers[index] else {
                throw self.invalid("\(field)[\(index)]", "marked present but missing")
            }
            values.append(try convert(element.pointee))
        }
        return values
    }
}
