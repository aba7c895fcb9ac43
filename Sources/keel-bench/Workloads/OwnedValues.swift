import Synchronization

/// The value each compare-and-set task last wrote to each of its keys. Only the owning task
/// reads and writes its entries; the lock makes the shared dictionary safe to hold.
final class OwnedValues: Sendable {
    private let values = Mutex<[Int: [Int: [UInt8]]]>([:])

    func value(worker: Int, slot: Int) -> [UInt8]? {
        values.withLock { $0[worker]?[slot] }
    }

    func set(_ value: [UInt8]?, worker: Int, slot: Int) {
        values.withLock { $0[worker, default: [:]][slot] = value }
    }

    /// `number` big-endian, padded with zero bytes to `size`.
    static func encode(_ number: Int, size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        var remaining = UInt64(number)
        for index in stride(from: 7, through: 0, by: -1) {
            bytes[index] = UInt8(remaining & 0xFF)
            remaining >>= 8
        }
        return bytes
    }
}
