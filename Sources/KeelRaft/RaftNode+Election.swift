extension RaftNode {
    // MARK: Role changes

    mutating func reset(term newTerm: UInt64) {
        if term != newTerm {
            term = newTerm
            vote = 0
            sentTimeoutNowInTerm = false
        }
        leader = 0
        electionElapsed = 0
        heartbeatElapsed = 0
        randomizedElectionTimeout = configuration.electionTicks
            + Int(random.next(below: UInt64(configuration.electionTicks)))
        transferTarget = 0
        transferElapsed = 0
        votes.removeAll()
        progress.removeAll()
        readQueue.reset()
        broadcastPending = false
    }

    mutating func becomeFollower(term newTerm: UInt64, leader newLeader: UInt64) {
        reset(term: newTerm)
        role = .follower
        leader = newLeader
    }

    mutating func becomePreCandidate() {
        // Pre-vote changes neither term nor vote (thesis 9.6); it does forget the leader.
        let keptTerm = term
        reset(term: keptTerm)
        role = .preCandidate
    }

    mutating func becomeCandidate() {
        reset(term: term + 1)
        vote = id
        role = .candidate
    }

    mutating func becomeLeader() {
        precondition(role == .candidate, "only a candidate becomes leader")
        reset(term: term)
        role = .leader
        leader = id
        uncommittedBytes = 0
        for member in membership.allMembers {
            var fresh = Progress(next: log.lastIndex + 1, maxInflight: configuration.maxInflightMessages)
            if member == id { fresh.match = log.stableLastIndex }
            progress[member] = fresh
        }
        // The no-op commits the entries of earlier terms (thesis 3.6.2) and lets ReadIndex
        // learn the commit index (thesis 6.4). Its size does not count against the backlog.
        appendToLog([Entry(term: term, index: log.lastIndex + 1, kind: .noop)])
        broadcastPending = true
    }

    // MARK: Ticks

    mutating func tickElection() {
        electionElapsed += 1
        if isPromotable && electionElapsed >= randomizedElectionTimeout {
            electionElapsed = 0
            campaign(transfer: false)
        }
    }

    mutating func tickLeader() {
        electionElapsed += 1
        heartbeatElapsed += 1
        if transferTarget != 0 {
            transferElapsed += 1
            // The target did not take over within an election timeout: give up (thesis 3.10).
            if transferElapsed >= configuration.electionTicks { transferTarget = 0 }
        }
        if electionElapsed >= configuration.electionTicks {
            electionElapsed = 0
            if configuration.checkQuorum {
                guard quorumRecentlyActive() else {
                    // Forget the leader (ourselves): followers that still remembered us would
                    // refuse votes and wedge the election (etcd-io/etcd#8334).
                    becomeFollower(term: term, leader: 0)
                    return
                }
            }
        }
        if heartbeatElapsed >= configuration.heartbeatTicks {
            heartbeatElapsed = 0
            broadcastHeartbeat()
        }
    }

    /// Whether a quorum of voters (this leader included) was heard from since the last
    /// check; resets the marks for the next period.
    mutating func quorumRecentlyActive() -> Bool {
        var active = 0
        for voter in membership.voters {
            if voter == id || progress[voter]?.recentActive == true { active += 1 }
        }
        for member in progress.keys where member != id { progress[member]!.recentActive = false }
        return active >= membership.quorum
    }

    // MARK: Campaigns

    mutating func campaign(transfer: Bool) {
        guard isPromotable else { return }
        if configuration.preVote && !transfer {
            becomePreCandidate()
            requestVotes(kind: .preVote, term: term + 1, transfer: false)
        } else {
            becomeCandidate()
            requestVotes(kind: .vote, term: term, transfer: transfer)
        }
    }

    mutating func requestVotes(kind: Message.Kind, term requestedTerm: UInt64, transfer: Bool) {
        votes[id] = true
        if countVotes().granted >= membership.quorum {
            wonVoteRound()
            return
        }
        for voter in membership.voters where voter != id {
            send(Message(kind: kind, from: id, to: voter, term: requestedTerm,
                         logTerm: log.lastTerm, index: log.lastIndex, isLeadershipTransfer: transfer))
        }
    }

    mutating func wonVoteRound() {
        if role == .preCandidate {
            becomeCandidate()
            requestVotes(kind: .vote, term: term, transfer: false)
        } else {
            becomeLeader()
        }
    }

    func countVotes() -> (granted: Int, rejected: Int) {
        var granted = 0
        var rejected = 0
        for voter in membership.voters {
            switch votes[voter] {
            case true?: granted += 1
            case false?: rejected += 1
            case nil: break
            }
        }
        return (granted, rejected)
    }

    /// Whether this node heard from a live leader too recently to let anyone unseat it
    /// (thesis 4.2.3); only with check-quorum, which makes leaders step down on their own.
    var isWithinLeaderLease: Bool {
        guard configuration.checkQuorum else { return false }
        if role == .leader { return true }
        return ticksSinceLeaderContact < configuration.electionTicks
    }

    mutating func handleVoteRequest(_ message: Message) {
        let isPreVote = message.kind == .preVote
        // A pre-vote for a later term does not need our vote to be free: it changes nothing.
        let canVote = vote == message.from
            || (vote == 0 && leader == 0)
            || (isPreVote && message.term > term)
        let granted = canVote && log.isUpToDate(lastIndex: message.index, lastTerm: message.logTerm)
        let responseKind: Message.Kind = isPreVote ? .preVoteResponse : .voteResponse
        if granted {
            if !isPreVote {
                vote = message.from
                electionElapsed = 0
            }
            // A granted pre-vote answers with the term asked for, so that the pre-candidate
            // does not mistake it for a newer term.
            send(Message(kind: responseKind, from: id, to: message.from, term: message.term))
        } else {
            send(Message(kind: responseKind, from: id, to: message.from, term: term, reject: true))
        }
    }

    mutating func handleVoteResponse(_ message: Message) {
        let expectedRole: RaftRole = message.kind == .preVoteResponse ? .preCandidate : .candidate
        guard role == expectedRole else { return }
        votes[message.from] = !message.reject
        let (granted, rejected) = countVotes()
        if granted >= membership.quorum {
            wonVoteRound()
        } else if rejected >= membership.quorum {
            becomeFollower(term: term, leader: 0)
        }
    }
}
