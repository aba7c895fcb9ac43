/// Big-endian encoding helpers for the server's own records in the `raft` column family.
enum BinaryCoding {
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    static func append(string: String, to bytes: inout [UInt8]) {
        let utf8 = Array(string.utf8)
        append(UInt32(utf8.count), to: &bytes)
        bytes.append(contentsOf: utf8)
    }

    static func append(ids: [UInt64], to bytes: inout [UInt8]) {
        append(UInt32(ids.count), to: &bytes)
        for id in ids { append(id, to: &bytes) }
    }
}
