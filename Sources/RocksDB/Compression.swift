import CRocksDB

/// A block compression algorithm.
///
/// Debian 12's librocksdb (7.8.3) is linked with Snappy, zlib, bzip2, LZ4 and Zstandard
/// (`ldd librocksdb.so`); a library built without the chosen algorithm rejects it when the
/// database opens, with ``RocksDBError/Kind/invalidArgument``.
public enum Compression: Sendable, Hashable, CaseIterable {
    case none
    case snappy
    case zlib
    case bzip2
    case lz4
    case lz4hc
    case zstd

    var cValue: Int32 {
        switch self {
        case .none: Int32(rocksdb_no_compression)
        case .snappy: Int32(rocksdb_snappy_compression)
        case .zlib: Int32(rocksdb_zlib_compression)
        case .bzip2: Int32(rocksdb_bz2_compression)
        case .lz4: Int32(rocksdb_lz4_compression)
        case .lz4hc: Int32(rocksdb_lz4hc_compression)
        case .zstd: Int32(rocksdb_zstd_compression)
        }
    }
}
