import CRocksDB

/// A cursor over the keys of one column family, in bytewise order, optionally within bounds
/// and at a ``Snapshot``.
///
/// Moving past either end leaves the iterator invalid rather than failing: after a loop, call
/// ``checkStatus()`` to learn whether it stopped because the data ended or because of an error.
/// ``key`` and ``value`` return copies; ``withKey(_:)`` and ``withValue(_:)`` lend the bytes
/// without copying, valid only inside the closure. An iterator is not thread-safe: use it from
/// one task at a time. If the database closes, the iterator becomes invalid and
/// ``checkStatus()`` throws ``RocksDBError/Kind/closed``.
public final class Iterator {
    /// The database being read; kept alive by the iterator.
    public let database: Database
    // Kept so the snapshot is not released while the iterator reads at it.
    private let snapshot: Snapshot?
    @usableFromInline let native: NativeIterator

    init(database: Database, snapshot: Snapshot?, native: NativeIterator) {
        self.database = database
        self.snapshot = snapshot
        self.native = native
    }

    deinit {
        database.native.release(native)
    }

    @inlinable @inline(__always)
    func withIterator<Result, Failure: Error>(
        _ body: (OpaquePointer) throws(Failure) -> Result
    ) throws(Failure) -> Result? {
        try database.native.lock.withReadLock { () throws(Failure) -> Result? in
            guard let pointer = native.pointer else { return nil }
            return try body(pointer)
        }
    }

    /// Whether the iterator is positioned at an entry.
    public var isValid: Bool {
        withIterator { rocksdb_iter_valid($0) != 0 } ?? false
    }

    /// Positions at the first key (the lower bound, if set).
    public func seekToFirst() {
        withIterator { rocksdb_iter_seek_to_first($0) }
    }

    /// Positions at the last key (before the upper bound, if set).
    public func seekToLast() {
        withIterator { rocksdb_iter_seek_to_last($0) }
    }

    /// Positions at the first key at or after `key`.
    @inlinable
    public func seek(to key: some Collection<UInt8>) {
        withRawBytes(key) { seek(to: $0) }
    }

    /// Positions at the first key at or after `key`.
    public func seek(to key: UnsafeRawBufferPointer) {
        withIterator { iterator in
            withCBytes(key) { rocksdb_iter_seek(iterator, $0, $1) }
        }
    }

    /// Positions at the last key at or before `key`.
    @inlinable
    public func seekForPrev(_ key: some Collection<UInt8>) {
        withRawBytes(key) { seekForPrev($0) }
    }

    /// Positions at the last key at or before `key`.
    public func seekForPrev(_ key: UnsafeRawBufferPointer) {
        withIterator { iterator in
            withCBytes(key) { rocksdb_iter_seek_for_prev(iterator, $0, $1) }
        }
    }

    /// Moves to the next key; does nothing if the iterator is not valid.
    public func next() {
        withIterator { iterator in
            if rocksdb_iter_valid(iterator) != 0 {
                rocksdb_iter_next(iterator)
            }
        }
    }

    /// Moves to the previous key; does nothing if the iterator is not valid.
    public func previous() {
        withIterator { iterator in
            if rocksdb_iter_valid(iterator) != 0 {
                rocksdb_iter_prev(iterator)
            }
        }
    }

    /// A copy of the current key, or `nil` if the iterator is not valid.
    public var key: [UInt8]? {
        withKey { Array($0) }
    }

    /// A copy of the current value, or `nil` if the iterator is not valid.
    public var value: [UInt8]? {
        withValue { Array($0) }
    }

    /// Lends the current key's bytes to `body` without copying.
    /// - Returns: what `body` returns, or `nil` if the iterator is not valid.
    /// - Throws: what `body` throws.
    @inlinable
    public func withKey<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result? {
        let lent = try withIterator { iterator throws(Failure) -> Result? in
            guard rocksdb_iter_valid(iterator) != 0 else { return nil }
            var length = 0
            let bytes = rocksdb_iter_key(iterator, &length)
            return try body(UnsafeRawBufferPointer(start: bytes, count: length))
        }
        return lent ?? nil
    }

    /// Lends the current value's bytes to `body` without copying.
    /// - Returns: what `body` returns, or `nil` if the iterator is not valid.
    /// - Throws: what `body` throws.
    @inlinable
    public func withValue<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result? {
        let lent = try withIterator { iterator throws(Failure) -> Result? in
            guard rocksdb_iter_valid(iterator) != 0 else { return nil }
            var length = 0
            let bytes = rocksdb_iter_value(iterator, &length)
            return try body(UnsafeRawBufferPointer(start: bytes, count: length))
        }
        return lent ?? nil
    }

    /// Lends the current key and value to `body` without copying, in one step.
    /// - Returns: what `body` returns, or `nil` if the iterator is not valid.
    /// - Throws: what `body` throws.
    @inlinable
    public func withEntry<Result, Failure: Error>(
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result? {
        let lent = try withIterator { iterator throws(Failure) -> Result? in
            guard rocksdb_iter_valid(iterator) != 0 else { return nil }
            var keyLength = 0
            var valueLength = 0
            let key = rocksdb_iter_key(iterator, &keyLength)
            let value = rocksdb_iter_value(iterator, &valueLength)
            return try body(UnsafeRawBufferPointer(start: key, count: keyLength), UnsafeRawBufferPointer(start: value, count: valueLength))
        }
        return lent ?? nil
    }

    /// Lends the key at the current position to `body`, then moves in `direction` and lends
    /// the next key, until `body` returns `false` or the iterator runs out of keys. The
    /// iterator stays at the key for which `body` returned `false` (or invalid at the end).
    ///
    /// The database's lock is taken once for the whole walk instead of once per step and per
    /// key, which is most of the cost of a short page read made of single steps. `body` must
    /// not close the database. Call ``checkStatus()`` afterwards when the iterator is invalid.
    /// - Throws: what `body` throws; the iterator stays at the key `body` threw for.
    public func walk<Failure: Error>(
        _ direction: ScanDirection,
        _ body: (_ key: UnsafeRawBufferPointer) throws(Failure) -> Bool
    ) throws(Failure) {
        _ = try withIterator { iterator throws(Failure) in
            while rocksdb_iter_valid(iterator) != 0 {
                var length = 0
                let bytes = rocksdb_iter_key(iterator, &length)
                guard try body(UnsafeRawBufferPointer(start: bytes, count: length)) else { return }
                switch direction {
                case .forward: rocksdb_iter_next(iterator)
                case .reverse: rocksdb_iter_prev(iterator)
                }
            }
        }
    }

    /// Throws the error that stopped the iteration, if any. Call it when ``isValid`` turns false.
    /// - Throws: RocksDB's error (for example ``RocksDBError/Kind/corruption``), or
    ///   ``RocksDBError/Kind/closed`` if the database was closed.
    public func checkStatus() throws(RocksDBError) {
        let checked: Void? = try withIterator { iterator throws(RocksDBError) in
            try throwingRocksDBError { rocksdb_iter_get_error(iterator, $0) }
        }
        if checked == nil {
            throw RocksDBError.closed
        }
    }
}

/// Owns a `rocksdb_iterator_t` and the read options (with their bound buffers) it reads with.
@usableFromInline
final class NativeIterator: DatabaseDependent, @unchecked Sendable {
    // Unchecked Sendable: `pointer` is cleared only in `release`, under the database's lock;
    // every use reads it under the read side.
    @usableFromInline private(set) var pointer: OpaquePointer?
    // RocksDB reads the options (and through them the bounds) for the iterator's whole life.
    private let readOptions: NativeReadOptions

    /// Iterators go first: they may read at snapshots and pin column family data.
    var closeRank: Int { 0 }

    init(pointer: OpaquePointer, readOptions: NativeReadOptions) {
        self.pointer = pointer
        self.readOptions = readOptions
    }

    func release(database: OpaquePointer) {
        if let pointer {
            rocksdb_iter_destroy(pointer)
            self.pointer = nil
        }
    }
}
