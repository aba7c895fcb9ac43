extension RaftNode {
    /// Queues a read for the next heartbeat round, or answers it at once when no round is
    /// needed. The leader must already have committed an entry of its term.
    mutating func registerRead(context: UInt64) {
        if membership.voters == [id] || (configuration.leaseReads && isLeaseValid) {
            readStates.append(ReadState(index: log.committed, context: context))
            return
        }
        readQueue.pending.append(.init(context: context, index: log.committed, round: readQueue.round + 1))
        readQueue.roundRequested = true
    }

    mutating func releaseReads() {
        guard !readQueue.pending.isEmpty else { return }
        let confirmed = readQueue.quorumRound(voters: membership.voters, leader: id, quorum: membership.quorum)
        readStates.append(contentsOf: readQueue.release(upTo: confirmed))
    }

    /// Whether a quorum acknowledged a heartbeat sent less than the lease ago (thesis 6.4.1).
    /// The voters that answered it ignore vote requests for `electionTicks` after receiving
    /// it, so no other leader can exist until then; the drift margin covers clocks that run
    /// at different rates. Off once a leadership transfer sent TimeoutNow in this term: the
    /// election it starts bypasses that rule.
    var isLeaseValid: Bool {
        guard role == .leader, transferTarget == 0, !sentTimeoutNowInTerm, log.term(at: log.committed) == term else {
            return false
        }
        let confirmed = readQueue.quorumRound(voters: membership.voters, leader: id, quorum: membership.quorum)
        // The last record at or before the confirmed round gives the tick it was sent in.
        let rounds = readQueue.roundTicks
        var low = 0
        var high = rounds.count
        while low < high {
            let middle = (low + high) / 2
            if rounds[middle].round <= confirmed { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return false }  // older than every record: long expired
        let sentAt = rounds[low - 1].tick
        let lease = UInt64(configuration.electionTicks - configuration.leaseClockDriftTicks)
        return tickCount < sentAt + lease
    }
}
