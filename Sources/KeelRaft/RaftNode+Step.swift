extension RaftNode {
    /// Handles a message from a peer. Messages may arrive late, twice or out of order.
    /// - Parameter message: a message addressed to this node.
    /// - Throws: `RaftError.misaddressedMessage` when the message is not for this node.
    public mutating func step(_ message: Message) throws(RaftError) {
        guard message.to == id, message.from != 0 else { throw .misaddressedMessage }
        if message.term > term {
            if message.kind == .vote || message.kind == .preVote,
               !message.isLeadershipTransfer, isWithinLeaderLease {
                // Disruptive-server rule (thesis 4.2.3): a live leader is not unseated by a
                // node that lost touch, nor by a removed one. Do not even adopt its term.
                return
            }
            switch message.kind {
            case .preVote:
                break  // answering a pre-vote never changes our term (thesis 9.6)
            case .preVoteResponse where !message.reject:
                break  // a grant carries the term we asked for, not a newer one
            case .append, .heartbeat, .snapshot:
                becomeFollower(term: message.term, leader: message.from)
            default:
                becomeFollower(term: message.term, leader: 0)
            }
        } else if message.term < term {
            respondToStaleTerm(message)
            return
        }

        switch message.kind {
        case .preVote, .vote:
            handleVoteRequest(message)
        case .preVoteResponse:
            // Grants carry the term asked for; anything else is from an older round.
            if message.reject || message.term == term + 1 { handleVoteResponse(message) }
        case .voteResponse:
            handleVoteResponse(message)
        case .append, .heartbeat, .snapshot:
            guard role != .leader else { return }  // cannot happen: one leader per term
            if role != .follower { becomeFollower(term: term, leader: message.from) }
            leader = message.from
            electionElapsed = 0
            ticksSinceLeaderContact = 0
            switch message.kind {
            case .append: handleAppend(message)
            case .heartbeat: handleHeartbeat(message)
            default: handleSnapshot(message)
            }
        case .appendResponse:
            if role == .leader { handleAppendResponse(message) }
        case .heartbeatResponse:
            if role == .leader { handleHeartbeatResponse(message) }
        case .timeoutNow:
            if role != .leader { campaign(transfer: true) }
        }
    }

    mutating func respondToStaleTerm(_ message: Message) {
        switch message.kind {
        case .append, .heartbeat, .snapshot:
            // A leader from an older term, perhaps back from a partition, or one that never
            // heard of our term because check-quorum made it ignore our campaign: tell it
            // our term (Raft paper, Figure 2) so that it steps down instead of keeping a
            // node with a newer term out of the cluster for good.
            send(Message(kind: .appendResponse, from: id, to: message.from, term: term))
        case .preVote:
            // etcd-io/etcd#8243: reject with our term so that a node whose term fell behind
            // catches up instead of pre-voting at its old term forever.
            send(Message(kind: .preVoteResponse, from: id, to: message.from, term: term, reject: true))
        default:
            break
        }
    }
}
