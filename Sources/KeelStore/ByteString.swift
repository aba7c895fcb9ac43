/// Bytes used as a dictionary key, hashed as one block.
///
/// `[UInt8]`'s own `Hashable` conformance feeds the hasher one byte at a time, which made
/// hashing set keys and members a tenth of the apply path's instructions; hashing the
/// contiguous bytes at once takes a fraction of that. Equality is the arrays'.
struct ByteString: Hashable {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
