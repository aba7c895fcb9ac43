/// The last index of each AppendEntries in flight to one follower, oldest first, in a fixed
/// ring so that pipelining allocates nothing per message.
struct InflightWindow: Sendable {
    private var ring: [UInt64]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) { ring = Array(repeating: 0, count: capacity) }

    var isFull: Bool { count == ring.count }

    mutating func add(_ lastIndex: UInt64) {
        precondition(!isFull, "inflight window overflow")
        ring[(head + count) % ring.count] = lastIndex
        count += 1
    }

    /// Frees every message whose entries end at or before `index` (acknowledged).
    mutating func free(upTo index: UInt64) {
        while count > 0 && ring[head] <= index {
            head = (head + 1) % ring.count
            count -= 1
        }
    }

    mutating func freeFirst() {
        guard count > 0 else { return }
        head = (head + 1) % ring.count
        count -= 1
    }

    mutating func reset() {
        head = 0
        count = 0
    }
}
