import CRocksDB

/// A column family of an open ``Database``: a separately configured, separately flushed key
/// space sharing the database's write-ahead log, so one ``WriteBatch`` spans several atomically.
///
/// The database owns the C handle and frees it when the family is dropped or the database
/// closes; afterwards every call that uses this object throws
/// ``RocksDBError/Kind/invalidColumnFamily`` (or ``RocksDBError/Kind/closed``), never crashes.
public final class ColumnFamily: @unchecked Sendable {
    // Unchecked Sendable: `handle` is written only under the owning database's write lock
    // (drop, close) and read only under its read lock.

    /// The column family's name.
    public let name: String
    /// The database that owns the handle; compared by identity to reject foreign handles.
    let database: NativeDatabase
    private(set) var handle: OpaquePointer?

    init(name: String, handle: OpaquePointer, database: NativeDatabase) {
        self.name = name
        self.handle = handle
        self.database = database
    }

    /// Frees the C handle. Called with the owning database's write lock held.
    func release() {
        if let handle {
            rocksdb_column_family_handle_destroy(handle)
            self.handle = nil
        }
    }

    /// The live handle, for a call made with `database`'s read lock held.
    @inline(__always)
    func liveHandle(in database: NativeDatabase) throws(RocksDBError) -> OpaquePointer {
        guard self.database === database else {
            throw RocksDBError(kind: .invalidColumnFamily, message: "column family '\(name)' belongs to another database")
        }
        guard let handle else {
            throw RocksDBError(kind: .invalidColumnFamily, message: "column family '\(name)' was dropped or its database closed")
        }
        return handle
    }
}
