#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RocksDB

/// Point writes to one column family collected during an apply group and handed to the
/// write batch sorted by key, only the last write of each key.
///
/// RocksDB inserts a batch into its memtable skip list one key at a time and starts each
/// search from where the previous insert ended; keys in order therefore find their place with
/// a short walk instead of a search from the top of a list of millions. Reordering is exact
/// because every write of a key replaces it (puts and deletes, no merges), so only the order
/// of writes to the same key matters, and the last of them is all that counts. A range delete
/// is ordered against point writes, so ``flush(into:in:)`` must run before one is added.
struct OrderedWrites {
    private struct Write {
        var keyStart: Int
        var keyLength: Int
        var valueStart: Int
        /// -1 for a delete.
        var valueLength: Int
    }

    /// Keys and values back to back, so collecting a write allocates nothing once warm.
    private var bytes: [UInt8] = []
    private var writes: [Write] = []

    var isEmpty: Bool { writes.isEmpty }

    mutating func put(_ key: some Collection<UInt8>, _ value: some Collection<UInt8>) {
        let keyStart = bytes.count
        bytes.append(contentsOf: key)
        let valueStart = bytes.count
        bytes.append(contentsOf: value)
        writes.append(Write(keyStart: keyStart, keyLength: valueStart - keyStart, valueStart: valueStart, valueLength: bytes.count - valueStart))
    }

    mutating func delete(_ key: some Collection<UInt8>) {
        let keyStart = bytes.count
        bytes.append(contentsOf: key)
        writes.append(Write(keyStart: keyStart, keyLength: bytes.count - keyStart, valueStart: bytes.count, valueLength: -1))
    }

    /// Adds the collected writes to `batch` in key order, the last write of each key only,
    /// and forgets them.
    mutating func flush(into batch: WriteBatch, in columnFamily: ColumnFamily) throws(RocksDBError) {
        guard !writes.isEmpty else { return }
        defer {
            writes.removeAll(keepingCapacity: true)
            bytes.removeAll(keepingCapacity: true)
        }
        // `withUnsafeBytes` rethrows untyped errors, so the typed one is carried out as a value.
        let failure: RocksDBError? = bytes.withUnsafeBytes { arena in
            // Indexes into `writes`; ties on the key keep collection order.
            var order = Array(writes.indices)
            writes.withUnsafeBufferPointer { writes in
                order.sort { left, right in
                    let ordering = Self.compareKeys(writes[left], writes[right], in: arena)
                    return ordering != 0 ? ordering < 0 : left < right
                }
            }
            do throws(RocksDBError) {
                for (position, index) in order.enumerated() {
                    let write = writes[index]
                    if position + 1 < order.count, Self.compareKeys(write, writes[order[position + 1]], in: arena) == 0 {
                        continue
                    }
                    let key = UnsafeRawBufferPointer(rebasing: arena[write.keyStart..<(write.keyStart + write.keyLength)])
                    if write.valueLength < 0 {
                        try batch.delete(key, in: columnFamily)
                    } else {
                        try batch.put(key, UnsafeRawBufferPointer(rebasing: arena[write.valueStart..<(write.valueStart + write.valueLength)]), in: columnFamily)
                    }
                }
            } catch {
                return error
            }
            return nil
        }
        if let failure {
            throw failure
        }
    }

    private static func compareKeys(_ left: Write, _ right: Write, in arena: UnsafeRawBufferPointer) -> Int {
        let common = min(left.keyLength, right.keyLength)
        if common > 0 {
            let ordering = memcmp(arena.baseAddress! + left.keyStart, arena.baseAddress! + right.keyStart, common)
            if ordering != 0 { return Int(ordering) }
        }
        return left.keyLength - right.keyLength
    }
}
