/// What a leader knows about one member's log.
struct Progress: Sendable {
    /// How the leader sends entries to this member.
    enum State: Sendable, Hashable {
        /// One AppendEntries at a time until the follower's position is found.
        case probe
        /// Pipelined AppendEntries, up to the inflight limit.
        case replicate
        /// A snapshot is on its way; nothing else is sent until it is reported.
        case snapshot(pendingIndex: UInt64)
    }

    var match: UInt64 = 0
    var next: UInt64
    var state: State = .probe
    /// In probe state: a probe is out and unanswered, wait for a response or heartbeat.
    var probeSent = false
    /// Heard from since the last check-quorum round.
    var recentActive = true
    /// `match` when the previous heartbeat response arrived, to notice a stalled pipeline.
    var matchAtLastHeartbeat: UInt64 = 0
    var inflights: InflightWindow

    init(next: UInt64, maxInflight: Int) {
        self.next = next
        inflights = InflightWindow(capacity: maxInflight)
    }

    var isPaused: Bool {
        switch state {
        case .probe: probeSent
        case .replicate: inflights.isFull
        case .snapshot: true
        }
    }

    mutating func becomeProbe() {
        if case .snapshot(let pendingIndex) = state {
            next = max(match + 1, pendingIndex + 1)
        } else {
            next = match + 1
        }
        state = .probe
        probeSent = false
        inflights.reset()
    }

    mutating func becomeReplicate() {
        state = .replicate
        next = match + 1
        probeSent = false
        inflights.reset()
    }

    mutating func becomeSnapshot(at index: UInt64) {
        state = .snapshot(pendingIndex: index)
        probeSent = false
        inflights.reset()
    }

    /// Records an acknowledgement up to `index`; returns whether `match` grew.
    mutating func acknowledge(upTo index: UInt64) -> Bool {
        var grew = false
        if index > match {
            match = index
            grew = true
            probeSent = false
        }
        next = max(next, index + 1)
        return grew
    }
}
