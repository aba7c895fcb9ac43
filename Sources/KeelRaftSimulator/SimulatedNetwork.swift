import KeelRaft

/// A message on the simulated wire; a snapshot carries the sender's state-machine image,
/// as the server would stream its checkpoint.
struct Envelope {
    var message: Message
    var snapshotImage: SimulatedStateMachine?
}

/// Messages in flight, by delivery tick, plus the links currently cut.
struct SimulatedNetwork {
    private var byTick: [Int: [Envelope]] = [:]
    /// Directed links (from, to) that lose every message.
    var cutLinks: Set<Link> = []

    struct Link: Hashable {
        var from: UInt64
        var to: UInt64
    }

    var isEmpty: Bool { byTick.isEmpty }

    mutating func schedule(_ envelope: Envelope, at tick: Int) {
        byTick[tick, default: []].append(envelope)
    }

    mutating func takeDue(at tick: Int) -> [Envelope] {
        byTick.removeValue(forKey: tick) ?? []
    }

    func isCut(from: UInt64, to: UInt64) -> Bool {
        !cutLinks.isEmpty && cutLinks.contains(Link(from: from, to: to))
    }
}
