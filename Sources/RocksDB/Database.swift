import CRocksDB

/// An open RocksDB database: the only way Keel reaches RocksDB.
///
/// A database is opened with all of its existing column families plus any named at open, and
/// stays open until ``close()`` or until the last reference goes away. Every method is
/// thread-safe. Values are byte arrays; a missing key reads as `nil`, an empty value as `[]`.
///
/// Closing waits for calls in flight, then releases every iterator and snapshot still alive
/// (they become invalid) and the column family handles; any later call throws
/// ``RocksDBError/Kind/closed``.
public final class Database: @unchecked Sendable {
    // Unchecked Sendable: RocksDB's `DB` is thread-safe; the C handles are only used under
    // `native.lock` (read side for calls, write side to free them), the option objects are
    // immutable after init, and `columnFamiliesByName` is guarded by the same lock.

    /// The directory of the database.
    public let path: String
    @usableFromInline let native: NativeDatabase
    private let options: NativeOptions
    private let writeOptions: [NativeWriteOptions]
    private let readOptions = NativeReadOptions()
    private var columnFamiliesByName: [String: ColumnFamily]
    /// The column family named `default`, which always exists.
    public let defaultColumnFamily: ColumnFamily

    /// The name of the column family every database has.
    public static let defaultColumnFamilyName = "default"

    /// Opens (or creates) the database in `path` with every column family it already has, plus
    /// those in `columnFamilies` (created if missing when
    /// ``Options/createMissingColumnFamilies`` is set).
    /// - Parameters:
    ///   - path: the database directory.
    ///   - options: how to open and tune the database; every column family uses them.
    ///   - columnFamilies: column families the caller needs besides the existing ones.
    /// - Throws: ``RocksDBError``, for example ``RocksDBError/Kind/lockHeld`` if another handle
    ///   holds the database, ``RocksDBError/Kind/invalidArgument`` for unsupported options.
    public init(path: String, options: Options = Options(), columnFamilies: [String] = []) throws(RocksDBError) {
        let nativeOptions = NativeOptions(options)
        // A database that does not exist yet has no list; opening then reports the real
        // problem if there is one.
        let existing = (try? Self.listColumnFamilies(path: path, options: nativeOptions)) ?? []
        var names = [Self.defaultColumnFamilyName]
        for name in existing + columnFamilies where !names.contains(name) {
            names.append(name)
        }

        var handles = [OpaquePointer?](repeating: nil, count: names.count)
        let familyOptions = [OpaquePointer?](repeating: nativeOptions.pointer, count: names.count)
        let pointer = try withCStringArray(names) { cNames throws(RocksDBError) in
            try throwingRocksDBError { error in
                rocksdb_open_column_families(
                    nativeOptions.pointer, path, Int32(names.count), cNames, familyOptions, &handles, error
                )
            }
        }
        guard let pointer else {
            throw RocksDBError(kind: .other, message: "rocksdb_open_column_families returned no database")
        }

        let native = NativeDatabase(pointer: pointer)
        var byName: [String: ColumnFamily] = [:]
        for (name, handle) in zip(names, handles) {
            // RocksDB fills every handle when the open succeeds.
            byName[name] = ColumnFamily(name: name, handle: handle!, database: native)
        }
        self.path = path
        self.native = native
        self.options = nativeOptions
        self.writeOptions = (0..<4).map { NativeWriteOptions(WriteOptions(sync: $0 & 1 != 0, disableWAL: $0 & 2 != 0)) }
        self.columnFamiliesByName = byName
        self.defaultColumnFamily = byName[Self.defaultColumnFamilyName]!
    }

    deinit {
        close()
    }

    /// Closes the database: waits for calls in flight, releases live iterators and snapshots
    /// and every column family handle, and releases the database's lock file. Idempotent.
    ///
    /// Must not be called from inside a closure this database is running (a scan or
    /// `withValue` body), which would deadlock.
    public func close() {
        native.close {
            for columnFamily in columnFamiliesByName.values {
                columnFamily.release()
            }
        }
    }

    /// Whether ``close()`` has run.
    public var isClosed: Bool {
        !native.isOpen
    }

    // MARK: Column families

    /// The names of the open column families, sorted.
    public var columnFamilyNames: [String] {
        native.lock.withReadLock { columnFamiliesByName.keys.sorted() }
    }

    /// The open column family called `name`, or `nil`.
    public func columnFamily(named name: String) -> ColumnFamily? {
        native.lock.withReadLock { columnFamiliesByName[name] }
    }

    /// Creates a column family with the database's options.
    /// - Parameter name: the new column family's name.
    /// - Returns: its handle, owned by this database.
    /// - Throws: ``RocksDBError``, e.g. ``RocksDBError/Kind/invalidArgument`` if it exists.
    @discardableResult
    public func createColumnFamily(named name: String) throws(RocksDBError) -> ColumnFamily {
        try native.withOpenDatabaseExclusively { database throws(RocksDBError) in
            // The C API allocates the handle wrapper even when creation fails, so it is
            // destroyed on that path too (its inner handle is then null or, if only writing
            // the OPTIONS file failed, a real handle that must not leak either).
            var created: OpaquePointer?
            do throws(RocksDBError) {
                try throwingRocksDBError { error in
                    created = rocksdb_create_column_family(database, options.pointer, name, error)
                }
            } catch {
                if let created {
                    rocksdb_column_family_handle_destroy(created)
                }
                throw error
            }
            guard let handle = created else {
                throw RocksDBError(kind: .other, message: "rocksdb_create_column_family returned no handle")
            }
            let columnFamily = ColumnFamily(name: name, handle: handle, database: native)
            columnFamiliesByName[name] = columnFamily
            return columnFamily
        }
    }

    /// Drops a column family and its data. The handle becomes invalid: later calls with it
    /// throw ``RocksDBError/Kind/invalidColumnFamily``.
    /// - Throws: ``RocksDBError``; the default column family cannot be dropped.
    public func dropColumnFamily(_ columnFamily: ColumnFamily) throws(RocksDBError) {
        try native.withOpenDatabaseExclusively { database throws(RocksDBError) in
            let handle = try columnFamily.liveHandle(in: native)
            try throwingRocksDBError { rocksdb_drop_column_family(database, handle, $0) }
            columnFamily.release()
            columnFamiliesByName[columnFamily.name] = nil
        }
    }

    /// The column families of the database in `path`, without opening it.
    /// - Throws: ``RocksDBError``, e.g. ``RocksDBError/Kind/ioError`` if there is no database.
    public static func listColumnFamilies(path: String) throws(RocksDBError) -> [String] {
        try listColumnFamilies(path: path, options: NativeOptions(Options()))
    }

    private static func listColumnFamilies(path: String, options: NativeOptions) throws(RocksDBError) -> [String] {
        var count = 0
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        // The C API returns an allocated (empty) list even when it fails: free it on every path.
        defer {
            if let list {
                rocksdb_list_column_families_destroy(list, count)
            }
        }
        try throwingRocksDBError { error in
            list = rocksdb_list_column_families(options.pointer, path, &count, error)
        }
        guard let list else { return [] }
        return (0..<count).compactMap { index in list[index].map { String(cString: $0) } }
    }

    /// Deletes the database in `path` and its files. The database must not be open.
    /// - Throws: ``RocksDBError``, e.g. ``RocksDBError/Kind/lockHeld`` if it is open.
    public static func destroy(path: String) throws(RocksDBError) {
        let options = NativeOptions(Options())
        try throwingRocksDBError { rocksdb_destroy_db(options.pointer, path, $0) }
    }

    // MARK: Internal plumbing shared by the extensions

    /// The live handle of `columnFamily` (`nil` meaning the default), read-lock held.
    @inline(__always)
    func handle(of columnFamily: ColumnFamily?) throws(RocksDBError) -> OpaquePointer {
        try (columnFamily ?? defaultColumnFamily).liveHandle(in: native)
    }

    /// The read options for a point read, at `snapshot` if given, read-lock held.
    @inline(__always)
    func readOptions(at snapshot: Snapshot?) throws(RocksDBError) -> OpaquePointer {
        guard let snapshot else { return readOptions.pointer }
        return try snapshot.liveReadOptions(in: self)
    }

    @inline(__always)
    func nativeWriteOptions(_ options: WriteOptions) -> OpaquePointer {
        writeOptions[options.nativeIndex].pointer
    }
}
