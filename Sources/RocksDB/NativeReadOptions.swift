import CRocksDB

/// Owns a `rocksdb_readoptions_t`, optionally reading at a snapshot and within iterator bounds.
///
/// RocksDB keeps pointers to the bound keys rather than copies, so this object also owns the
/// bound buffers and frees them after the options.
final class NativeReadOptions: @unchecked Sendable {
    // Unchecked Sendable: configured in init, then only passed to RocksDB as a const pointer.
    let pointer: OpaquePointer
    private let lowerBound: UnsafeMutableRawBufferPointer?
    private let upperBound: UnsafeMutableRawBufferPointer?

    init(
        snapshot: OpaquePointer? = nil,
        lowerBound: [UInt8]? = nil,
        upperBound: [UInt8]? = nil,
        fillCache: Bool = true
    ) {
        pointer = rocksdb_readoptions_create()
        self.lowerBound = lowerBound.map(Self.ownedCopy)
        self.upperBound = upperBound.map(Self.ownedCopy)
        if let snapshot {
            rocksdb_readoptions_set_snapshot(pointer, snapshot)
        }
        rocksdb_readoptions_set_fill_cache(pointer, fillCache ? 1 : 0)
        if let bound = self.lowerBound {
            rocksdb_readoptions_set_iterate_lower_bound(pointer, bound.baseAddress!.assumingMemoryBound(to: CChar.self), bound.count)
        }
        if let bound = self.upperBound {
            rocksdb_readoptions_set_iterate_upper_bound(pointer, bound.baseAddress!.assumingMemoryBound(to: CChar.self), bound.count)
        }
    }

    deinit {
        rocksdb_readoptions_destroy(pointer)
        lowerBound?.deallocate()
        upperBound?.deallocate()
    }

    /// A copy with a non-nil base address even when empty: a nil bound pointer means "no bound".
    private static func ownedCopy(_ bytes: [UInt8]) -> UnsafeMutableRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        return UnsafeMutableRawBufferPointer(rebasing: buffer[0..<bytes.count])
    }
}
