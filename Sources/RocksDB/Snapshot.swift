import CRocksDB

/// A consistent, read-only view of a ``Database`` at the moment the snapshot was taken.
///
/// Pass it to `Database.get(_:in:at:)`,
/// ``Database/makeIterator(in:lowerBound:upperBound:at:fillCache:)`` or the scan helpers: reads
/// at a snapshot do not see later writes. The snapshot is released when this object goes
/// away (or when the database closes, after which reads at it throw
/// ``RocksDBError/Kind/closed``). Holding one keeps old versions of overwritten keys on disk,
/// so do not keep snapshots longer than needed.
public final class Snapshot: Sendable {
    /// The database the snapshot belongs to; kept alive by the snapshot.
    public let database: Database
    let native: NativeSnapshot

    init(database: Database, native: NativeSnapshot) {
        self.database = database
        self.native = native
    }

    deinit {
        database.native.release(native)
    }

    /// The read options reading at this snapshot, for a call made with `database`'s read lock held.
    func liveReadOptions(in database: Database) throws(RocksDBError) -> OpaquePointer {
        guard self.database === database else {
            throw RocksDBError(kind: .invalidArgument, message: "snapshot belongs to another database")
        }
        guard native.pointer != nil else {
            throw RocksDBError.closed
        }
        return native.readOptions.pointer
    }
}

/// Owns a `rocksdb_snapshot_t` and the read options that read at it.
final class NativeSnapshot: DatabaseDependent, @unchecked Sendable {
    // Unchecked Sendable: `pointer` is cleared only in `release`, which runs under the
    // database's lock (write side at close, or from the owner's deinit when nothing else can
    // use this object); it is read under the read side.
    private(set) var pointer: OpaquePointer?
    let readOptions: NativeReadOptions

    /// Snapshots go after the iterators that may read at them.
    var closeRank: Int { 1 }

    init(pointer: OpaquePointer) {
        self.pointer = pointer
        readOptions = NativeReadOptions(snapshot: pointer)
    }

    func release(database: OpaquePointer) {
        if let pointer {
            rocksdb_release_snapshot(database, pointer)
            self.pointer = nil
        }
    }
}
