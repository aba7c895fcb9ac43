import KeelClient

/// Data a read workload needs before its measured phase, written through the client.
enum Preload {
    /// Puts keys 0 ..< `count` with `valueSize`-byte values, 100 per batch, 16 batches at once.
    static func keys(_ count: Int, options: LoadOptions, client: KeelClient) async throws {
        let value = [UInt8](repeating: UInt8(ascii: "v"), count: options.valueSize)
        let batchSize = 100
        let batches = (count + batchSize - 1) / batchSize
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let first = next * batchSize
                next += 1
                let writes = (first..<min(first + batchSize, count)).map { BatchWrite.put(key: options.key($0), value: value) }
                group.addTask { _ = try await client.batch(writes) }
            }
            for _ in 0..<min(16, batches) { add() }
            while try await group.next() != nil {
                if next < batches { add() }
            }
        }
    }

    /// Fills each set with `size` members ("post:<i>", scores a second apart), 1,000 per
    /// request, after deleting what the set held.
    /// - Returns: the log index of the last write, which a stale reader must have applied to
    ///   see every set whole.
    @discardableResult
    static func sortedSets(_ sets: [[UInt8]], size: Int, client: KeelClient) async throws -> UInt64 {
        let members = (0..<size).map {
            SortedSetMember(member: Array("post:\($0)".utf8), score: 1_700_000_000_000 + Double($0) * 1000)
        }
        return try await withThrowingTaskGroup(of: UInt64.self) { group in
            var last: UInt64 = 0
            for (offset, set) in sets.enumerated() {
                if offset >= 16, let index = try await group.next() { last = max(last, index) }
                group.addTask {
                    var index = try await client.zdelete(set).appliedIndex
                    for start in stride(from: 0, to: members.count, by: 1_000) {
                        index = try await client.zadd(set, members: Array(members[start..<min(start + 1_000, members.count)])).appliedIndex
                    }
                    return index
                }
            }
            for try await index in group { last = max(last, index) }
            return last
        }
    }

    /// Reads `set` with stale reads, which go to every node in turn, until `readers` reads in a
    /// row come from nodes that have applied `index` (the preload's last write), so that the
    /// measured reads do not meet a node still between the preload's delete and its refill.
    /// - Throws: `BenchmarkFailure` when that takes over 30 s.
    static func awaitStaleReaders(of set: [UInt8], applying index: UInt64, readers: Int = 12, client: KeelClient) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        var inARow = 0
        while inARow < readers {
            guard ContinuousClock.now < deadline else {
                throw BenchmarkFailure(message: "stale reads did not reach the preload's index \(index) within 30 s")
            }
            let page = try await client.zrange(set, limit: 1, consistency: .stale)
            if page.appliedIndex >= index {
                inARow += 1
            } else {
                inARow = 0
                try await Task.sleep(for: .milliseconds(2))
            }
        }
    }
}
