import CRocksDB

/// A C object created from an open database (an iterator, a snapshot) that has to be freed
/// before the database it came from is closed.
protocol DatabaseDependent: AnyObject, Sendable {
    /// Dependents with a lower rank are released first when the database closes
    /// (iterators before the snapshots they read at).
    var closeRank: Int { get }

    /// Frees the C object if it is still live. Always called with the database's lock held.
    func release(database: OpaquePointer)
}

/// Owns the `rocksdb_t*` and orders every use of it, and of the handles created from it,
/// before their release.
///
/// Calls that use a handle hold ``lock`` for reading; closing the database (and dropping a
/// column family) holds it for writing, so no call can observe a handle being freed. Iterators
/// and snapshots register here so that ``close(releasingColumnFamilies:)`` can free them even
/// while their Swift owners are still alive.
@usableFromInline
final class NativeDatabase: @unchecked Sendable {
    // Unchecked Sendable: `pointer` is written only under `lock`'s write side and read under
    // its read side; `dependents` is only touched under `registryLock`.
    @usableFromInline let lock = ReadWriteLock()
    private var pointer: OpaquePointer?
    private let registryLock = ReadWriteLock()
    private var dependents: [ObjectIdentifier: any DatabaseDependent] = [:]

    init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        // Only reached with an open pointer if the owning Database never finished initialising.
        if let pointer {
            rocksdb_close(pointer)
        }
    }

    /// Runs `body` with the open database, holding the lock for reading.
    /// - Throws: ``RocksDBError/Kind/closed`` if the database was closed, or what `body` throws.
    @inline(__always)
    func withOpenDatabase<Result>(
        _ body: (OpaquePointer) throws(RocksDBError) -> Result
    ) throws(RocksDBError) -> Result {
        try lock.withReadLock { () throws(RocksDBError) -> Result in
            guard let pointer else { throw RocksDBError.closed }
            return try body(pointer)
        }
    }

    /// Runs `body` with the open database holding the lock for writing (no call is in flight).
    func withOpenDatabaseExclusively<Result>(
        _ body: (OpaquePointer) throws(RocksDBError) -> Result
    ) throws(RocksDBError) -> Result {
        try lock.withWriteLock { () throws(RocksDBError) -> Result in
            guard let pointer else { throw RocksDBError.closed }
            return try body(pointer)
        }
    }

    var isOpen: Bool {
        lock.withReadLock { pointer != nil }
    }

    /// Records a dependent so that closing the database frees it. Call with the read lock held.
    func register(_ dependent: any DatabaseDependent) {
        registryLock.withWriteLock {
            dependents[ObjectIdentifier(dependent)] = dependent
        }
    }

    /// Frees a dependent whose Swift owner is going away, unless closing already did.
    func release(_ dependent: any DatabaseDependent) {
        lock.withReadLock {
            if let pointer {
                dependent.release(database: pointer)
            }
            registryLock.withWriteLock {
                _ = dependents.removeValue(forKey: ObjectIdentifier(dependent))
            }
        }
    }

    /// Waits for calls in flight, frees every registered dependent, lets the caller free the
    /// column family handles, then closes the database. Later calls fail with `.closed`.
    /// Does nothing if the database is already closed.
    func close(releasingColumnFamilies releaseColumnFamilies: () -> Void) {
        lock.withWriteLock {
            guard let pointer else { return }
            let live = registryLock.withWriteLock {
                defer { dependents.removeAll() }
                return Array(dependents.values)
            }
            for dependent in live.sorted(by: { $0.closeRank < $1.closeRank }) {
                dependent.release(database: pointer)
            }
            // RocksDB requires column family handles to be destroyed before the database.
            releaseColumnFamilies()
            rocksdb_close(pointer)
            self.pointer = nil
        }
    }
}
