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
    static func sortedSets(_ sets: [[UInt8]], size: Int, client: KeelClient) async throws {
        let members = (0..<size).map {
            SortedSetMember(member: Array("post:\($0)".utf8), score: 1_700_000_000_000 + Double($0) * 1000)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (offset, set) in sets.enumerated() {
                if offset >= 16 { try await group.next() }
                group.addTask {
                    try await client.zdelete(set)
                    for start in stride(from: 0, to: members.count, by: 1_000) {
                        try await client.zadd(set, members: Array(members[start..<min(start + 1_000, members.count)]))
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
