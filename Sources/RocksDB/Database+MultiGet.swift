#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CRocksDB

extension Database {
    // MARK: Batched point reads

    /// Reads the values of many keys of one column family in one batched lookup, and lends each
    /// to `body` without copying it out of RocksDB.
    ///
    /// One call instead of one read per key: RocksDB looks the keys up together, sharing the
    /// memtable and version lookups and, per SST file, the filter and index block reads. Keys
    /// given in ascending (bytewise) order spare it a sort; any order is correct.
    ///
    /// `body` must not close the database.
    /// - Parameters:
    ///   - keys: the keys, valid for the duration of the call.
    ///   - columnFamily: the column family; `nil` is the default one.
    ///   - snapshot: read as of this snapshot; `nil` reads the latest data.
    ///   - body: called once per key, in the order of `keys`, with the key's position and its
    ///     value (`nil` if the key is absent).
    /// - Throws: ``RocksDBError`` if the lookup of any key failed (then `body` is not called),
    ///   or what `body` throws.
    public func withValues(
        of keys: UnsafeBufferPointer<UnsafeRawBufferPointer>,
        in columnFamily: ColumnFamily? = nil,
        at snapshot: Snapshot? = nil,
        _ body: (_ position: Int, _ value: UnsafeRawBufferPointer?) throws -> Void
    ) throws {
        guard !keys.isEmpty else { return }
        let count = keys.count
        // One allocation for the C arrays: key pointers, key sizes, value slices, errors.
        let keyPointers = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: count)
        defer { keyPointers.deallocate() }
        let keySizes = UnsafeMutablePointer<Int>.allocate(capacity: count)
        defer { keySizes.deallocate() }
        let values = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: count)
        values.initialize(repeating: nil, count: count)
        defer {
            for position in 0..<count {
                if let slice = values[position] { rocksdb_pinnableslice_destroy(slice) }
            }
            values.deallocate()
        }
        let errors = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: count)
        errors.initialize(repeating: nil, count: count)
        defer {
            for position in 0..<count {
                if let error = errors[position] { rocksdb_free(error) }
            }
            errors.deallocate()
        }
        // RocksDB reads a key's pointer only with its size, so an empty key needs no storage;
        // a non-nil pointer is passed anyway for the C side's sake.
        var emptyKey: CChar = 0
        var sorted = true
        for position in 0..<count {
            let key = keys[position]
            keyPointers[position] = key.baseAddress.map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
            keySizes[position] = key.count
            if sorted, position > 0, Self.compareBytes(keys[position - 1], key) > 0 {
                sorted = false
            }
        }
        try withUnsafePointer(to: &emptyKey) { emptyKey throws(RocksDBError) in
            for position in 0..<count where keyPointers[position] == nil {
                keyPointers[position] = emptyKey
            }
            try native.withOpenDatabase { database throws(RocksDBError) in
                let family = try handle(of: columnFamily)
                let options = try readOptions(at: snapshot)
                rocksdb_batched_multi_get_cf(database, options, family, count, keyPointers, keySizes, values, errors, sorted)
            }
        }
        for position in 0..<count {
            if let error = errors[position] {
                throw RocksDBError(statusMessage: String(cString: error))
            }
        }
        for position in 0..<count {
            guard let slice = values[position] else {
                try body(position, nil)
                continue
            }
            var length = 0
            let bytes = rocksdb_pinnableslice_value(slice, &length)
            try body(position, UnsafeRawBufferPointer(start: bytes, count: length))
        }
    }

    /// ``withValues(of:in:at:_:)`` for keys stored back to back in `packed`: key `i` ends at
    /// `ends[i]` (and starts where key `i - 1` ends), so callers can reuse one buffer for the
    /// keys of many lookups.
    public func withValues(
        ofPacked packed: [UInt8],
        ends: [Int],
        in columnFamily: ColumnFamily? = nil,
        at snapshot: Snapshot? = nil,
        _ body: (_ position: Int, _ value: UnsafeRawBufferPointer?) throws -> Void
    ) throws {
        try packed.withUnsafeBytes { packed in
            var keys: [UnsafeRawBufferPointer] = []
            keys.reserveCapacity(ends.count)
            var start = 0
            for end in ends {
                keys.append(UnsafeRawBufferPointer(rebasing: packed[start..<end]))
                start = end
            }
            try keys.withUnsafeBufferPointer { keys in
                try withValues(of: keys, in: columnFamily, at: snapshot, body)
            }
        }
    }

    /// Reads the values of many keys of one column family in one batched lookup; see
    /// ``withValues(of:in:at:_:)``.
    /// - Returns: per key, in the order of `keys`, a copy of its value (`[]` for an empty
    ///   value) or `nil` if the key is absent.
    /// - Throws: ``RocksDBError``.
    public func multiGet(_ keys: [[UInt8]], in columnFamily: ColumnFamily? = nil, at snapshot: Snapshot? = nil) throws(RocksDBError) -> [[UInt8]?] {
        var packed: [UInt8] = []
        packed.reserveCapacity(keys.reduce(0) { $0 + $1.count })
        var ends: [Int] = []
        ends.reserveCapacity(keys.count)
        for key in keys {
            packed.append(contentsOf: key)
            ends.append(packed.count)
        }
        var found = [[UInt8]?](repeating: nil, count: keys.count)
        do {
            try withValues(ofPacked: packed, ends: ends, in: columnFamily, at: snapshot) { position, value in
                found[position] = value.map { Array($0) }
            }
        } catch let error as RocksDBError {
            throw error
        } catch {
            // The body above throws nothing; only RocksDB can fail.
            preconditionFailure("unexpected error from a multi-get: \(error)")
        }
        return found
    }

    private static func compareBytes(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int {
        let common = min(left.count, right.count)
        if common > 0 {
            let ordering = memcmp(left.baseAddress!, right.baseAddress!, common)
            if ordering != 0 { return Int(ordering) }
        }
        return left.count - right.count
    }
}
