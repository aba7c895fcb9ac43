extension RaftNode {
    // MARK: Leader side

    /// Sends the next AppendEntries (or a snapshot) to `peer` if its progress allows.
    /// - Returns: whether a message went out.
    @discardableResult
    mutating func sendAppend(to peer: UInt64, allowEmpty: Bool = true) -> Bool {
        guard peer != id, var peerProgress = progress[peer], !peerProgress.isPaused else { return false }
        let previousIndex = peerProgress.next - 1
        guard peerProgress.next >= log.firstIndex, let previousTerm = log.term(at: previousIndex) else {
            return sendSnapshot(to: peer)
        }
        let lastIndex = log.lastIndex
        let entries = peerProgress.next <= lastIndex
            ? log.entries(from: peerProgress.next, to: lastIndex + 1, maxBytes: configuration.maxBytesPerMessage)
            : []
        if entries.isEmpty && !allowEmpty { return false }
        switch peerProgress.state {
        case .replicate:
            // Pipelining: assume the entries arrive; a rejection sends us back to probing.
            if let last = entries.last {
                peerProgress.next = last.index + 1
                peerProgress.inflights.add(last.index)
            }
        case .probe:
            peerProgress.probeSent = true
        case .snapshot:
            preconditionFailure("paused progress cannot send")
        }
        progress[peer] = peerProgress
        send(Message(kind: .append, from: id, to: peer, term: term, logTerm: previousTerm,
                     index: previousIndex, entries: entries, commit: log.committed))
        return true
    }

    mutating func sendSnapshot(to peer: UInt64) -> Bool {
        // A peer not heard from lately is likely down; do not start a costly transfer.
        guard progress[peer]!.recentActive else { return false }
        let snapshot = log.storage.snapshotMetadata()
        progress[peer]!.becomeSnapshot(at: snapshot.index)
        send(Message(kind: .snapshot, from: id, to: peer, term: term, snapshot: snapshot))
        return true
    }

    /// Sends every follower what it is missing, as far as pipelining allows.
    mutating func broadcastAppend() {
        for member in membership.allMembers where member != id {
            while sendAppend(to: member, allowEmpty: false) {}
        }
    }

    /// One heartbeat round: keeps followers from campaigning and confirms pending reads.
    mutating func broadcastHeartbeat() {
        readQueue.round += 1
        readQueue.roundRequested = false
        // One record per tick: every round sent in a tick shares its send time.
        if readQueue.roundTicks.last?.tick != tickCount { readQueue.roundTicks.append((readQueue.round, tickCount)) }
        let horizon = tickCount >= UInt64(configuration.electionTicks) ? tickCount - UInt64(configuration.electionTicks) : 0
        if let keep = readQueue.roundTicks.firstIndex(where: { $0.tick >= horizon }), keep > 0 {
            readQueue.roundTicks.removeFirst(keep)
        }
        for member in membership.allMembers where member != id {
            guard let peerProgress = progress[member] else { continue }
            // Never tell a follower to commit beyond what it is known to hold.
            send(Message(kind: .heartbeat, from: id, to: member, term: term,
                         commit: min(peerProgress.match, log.committed), context: readQueue.round))
        }
        releaseReads()
    }

    mutating func handleAppendResponse(_ message: Message) {
        guard var peerProgress = progress[message.from] else { return }
        peerProgress.recentActive = true
        if message.reject {
            switch peerProgress.state {
            case .replicate where message.index <= peerProgress.match,
                 .probe where message.index != peerProgress.next - 1,
                 .snapshot:
                progress[message.from] = peerProgress
                return  // stale: an answer to something already superseded
            default:
                break
            }
            let next = nextIndexAfterRejection(message, match: peerProgress.match)
            peerProgress.becomeProbe()
            peerProgress.next = next
            progress[message.from] = peerProgress
            sendAppend(to: message.from)
            return
        }
        let grew = peerProgress.acknowledge(upTo: message.index)
        switch peerProgress.state {
        case .probe where grew:
            peerProgress.becomeReplicate()
        case .snapshot where peerProgress.match + 1 >= log.firstIndex:
            peerProgress.becomeReplicate()
        case .replicate:
            peerProgress.inflights.free(upTo: message.index)
        default:
            break
        }
        progress[message.from] = peerProgress
        guard grew else { return }
        maybeCommit()
        guard role == .leader else { return }  // a committed removal may have ended our term
        if message.from == transferTarget, peerProgress.match == log.lastIndex {
            sendTimeoutNow(to: message.from)
        }
        while sendAppend(to: message.from, allowEmpty: false) {}
    }

    /// Where to probe after a rejection, from the follower's hint (conflicting term and its
    /// first index): skip a whole term per round trip instead of one entry.
    func nextIndexAfterRejection(_ message: Message, match: UInt64) -> UInt64 {
        var next = message.conflictIndex
        if message.conflictTerm != 0,
           let found = log.lastIndex(withTermAtMost: message.conflictTerm, atOrBelow: message.index),
           found.term == message.conflictTerm {
            next = found.index + 1
        }
        return max(min(next, message.index), match + 1)
    }

    mutating func handleHeartbeatResponse(_ message: Message) {
        guard var peerProgress = progress[message.from] else { return }
        peerProgress.recentActive = true
        peerProgress.probeSent = false
        if peerProgress.state == .replicate && peerProgress.inflights.isFull { peerProgress.inflights.freeFirst() }
        progress[message.from] = peerProgress
        if peerProgress.match < log.lastIndex {
            if peerProgress.state == .probe {
                sendAppend(to: message.from, allowEmpty: true)
            } else if peerProgress.state == .replicate && peerProgress.match == peerProgress.matchAtLastHeartbeat {
                // No acknowledgement for a whole heartbeat interval: an append may have been
                // lost. An empty one makes the follower reveal its position (it rejects, and
                // we probe from its hint) instead of waiting forever.
                sendAppend(to: message.from, allowEmpty: true)
            }
        }
        progress[message.from]?.matchAtLastHeartbeat = peerProgress.match
        readQueue.acknowledge(message.context, from: message.from)
        releaseReads()
    }

    /// Commits the highest index a quorum of voters holds, if it is of the current term
    /// (thesis 3.6.2, the paper's Figure 8: older entries commit only indirectly).
    @discardableResult
    mutating func maybeCommit() -> Bool {
        guard role == .leader, !membership.voters.isEmpty else { return false }
        var matches = membership.voters.map { progress[$0]?.match ?? 0 }
        matches.sort(by: >)
        let quorumIndex = matches[membership.quorum - 1]
        guard quorumIndex > log.committed, log.term(at: quorumIndex) == term else { return false }
        log.commit(to: quorumIndex)
        commitAdvanced()
        return true
    }

    mutating func commitAdvanced() {
        // A leader removed from the membership leads until the removal commits, then steps
        // down (thesis 4.2.2).
        if !membership.isVoter(id), (membershipHistory.last?.index ?? 0) <= log.committed {
            becomeFollower(term: term, leader: 0)
            return
        }
        if !readQueue.waitingForCommit.isEmpty {
            let waiting = readQueue.waitingForCommit
            readQueue.waitingForCommit.removeAll()
            for context in waiting { registerRead(context: context) }
        }
        // Tell followers that already hold everything about the new commit index; the others
        // learn it with their next entries.
        let lastIndex = log.lastIndex
        for member in membership.allMembers where member != id {
            if let peerProgress = progress[member], peerProgress.next > lastIndex, !peerProgress.isPaused {
                sendAppend(to: member, allowEmpty: true)
            }
        }
    }

    // MARK: Follower side

    mutating func handleAppend(_ message: Message) {
        if message.index < log.committed {
            send(Message(kind: .appendResponse, from: id, to: message.from, term: term, index: log.committed))
            return
        }
        guard log.matchTerm(message.index, message.logTerm) else {
            let (conflictTerm, conflictIndex) = rejectionHint(at: message.index)
            send(Message(kind: .appendResponse, from: id, to: message.from, term: term, index: message.index,
                         reject: true, conflictTerm: conflictTerm, conflictIndex: conflictIndex))
            return
        }
        let lastNew = message.index + UInt64(message.entries.count)
        // Only an entry that conflicts (same index, other term) cuts the log; a stale,
        // reordered append whose entries all match changes nothing.
        if let conflict = log.firstConflict(in: message.entries) {
            let conflictIndex = message.entries[conflict].index
            precondition(conflictIndex > log.committed, "entry \(conflictIndex) conflicts with the committed log")
            appendToLog(message.entries[conflict...])
        }
        // What this message proved to match, never just the leader's commit.
        log.commit(to: min(message.commit, lastNew))
        send(Message(kind: .appendResponse, from: id, to: message.from, term: term, index: lastNew))
    }

    func rejectionHint(at index: UInt64) -> (term: UInt64, index: UInt64) {
        let lastIndex = log.lastIndex
        guard index <= lastIndex, let conflictTerm = log.term(at: index) else { return (0, lastIndex + 1) }
        let floor = max(log.committed + 1, log.firstIndex)
        return (conflictTerm, log.firstIndex(ofTerm: conflictTerm, endingAt: index, floor: floor))
    }

    mutating func handleHeartbeat(_ message: Message) {
        log.commit(to: message.commit)
        send(Message(kind: .heartbeatResponse, from: id, to: message.from, term: term, context: message.context))
    }

    mutating func handleSnapshot(_ message: Message) {
        guard let snapshot = message.snapshot else { return }
        if restore(snapshot) {
            send(Message(kind: .appendResponse, from: id, to: message.from, term: term, index: log.lastIndex))
        } else {
            send(Message(kind: .appendResponse, from: id, to: message.from, term: term, index: log.committed))
        }
    }

    /// Installs `snapshot` unless it is not newer than what is committed here (snapshots
    /// never go backwards), or the log already holds its last entry (then only the commit
    /// index moves).
    mutating func restore(_ snapshot: SnapshotMetadata) -> Bool {
        guard snapshot.index > log.committed else { return false }
        if log.matchTerm(snapshot.index, snapshot.term) {
            log.commit(to: snapshot.index)
            return false
        }
        log.restore(snapshot)
        baseMembership = snapshot.membership
        membershipHistory.removeAll()
        setMembership(snapshot.membership)
        return true
    }
}
