import KeelLinearizability

/// One key the clients contend on, with the data type it holds.
struct ChaosKey: Sendable, Hashable {
    /// The name in the history (`register-0`, `counter-1`, `set-2`, `entries-3`).
    var name: String
    var model: ModelKind

    /// The key's bytes in Keel: key-value keys and sorted-set keys live in separate spaces,
    /// the prefix keeps a run's keys apart from anything else.
    var bytes: [UInt8] { Array("chaos/\(name)".utf8) }

    /// `count` keys, cycling through register, counter, sorted set and entry-keyed sorted set.
    static func keys(count: Int) -> [ChaosKey] {
        (0..<count).map { index in
            switch index % 4 {
            case 0: ChaosKey(name: "register-\(index)", model: .register)
            case 1: ChaosKey(name: "counter-\(index)", model: .counter)
            case 2: ChaosKey(name: "set-\(index)", model: .sortedSet)
            default: ChaosKey(name: "entries-\(index)", model: .entrySet)
            }
        }
    }
}
