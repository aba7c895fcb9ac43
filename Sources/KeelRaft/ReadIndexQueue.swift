/// The leader's pending ReadIndex requests, batched by heartbeat round (thesis 6.4): every
/// read registered before a round is broadcast is confirmed by that round's quorum of
/// responses.
struct ReadIndexQueue: Sendable {
    struct Request: Sendable {
        var context: UInt64
        var index: UInt64
        var round: UInt64
    }

    /// Reads that arrived before the leader committed an entry of its term.
    var waitingForCommit: [UInt64] = []
    /// Reads waiting for their round, in round order.
    var pending: [Request] = []
    /// The last round broadcast.
    var round: UInt64 = 0
    /// A read is waiting for the next round to be broadcast.
    var roundRequested = false
    /// The highest round each peer acknowledged.
    var acknowledged: [UInt64: UInt64] = [:]
    /// The first round broadcast in each recent tick (round, tick), for the lease; oldest
    /// first, trimmed to the last election timeout.
    var roundTicks: [(round: UInt64, tick: UInt64)] = []

    mutating func reset() {
        self = ReadIndexQueue()
    }

    mutating func acknowledge(_ round: UInt64, from peer: UInt64) {
        if round > acknowledged[peer, default: 0] { acknowledged[peer] = round }
    }

    /// The highest round a quorum of `voters` acknowledged (the leader `self` counts with
    /// the latest round).
    func quorumRound(voters: [UInt64], leader: UInt64, quorum: Int) -> UInt64 {
        var rounds = voters.map { $0 == leader ? round : acknowledged[$0, default: 0] }
        rounds.sort(by: >)
        return rounds.count >= quorum ? rounds[quorum - 1] : 0
    }

    /// Removes and returns the reads confirmed by `confirmedRound`.
    mutating func release(upTo confirmedRound: UInt64) -> [ReadState] {
        var count = 0
        while count < pending.count && pending[count].round <= confirmedRound { count += 1 }
        guard count > 0 else { return [] }
        let released = pending[..<count].map { ReadState(index: $0.index, context: $0.context) }
        pending.removeFirst(count)
        return released
    }
}
