import KeelRaft
import KeelWire

/// Conversion between the core's `Message` and the wire's `PeerMessage`. KeelWire knows
/// nothing of KeelRaft, so the mapping lives here.
extension Message {
    /// The wire form of this message.
    var wireMessage: PeerMessage {
        PeerMessage(
            kind: kind.wireKind, from: from, to: to, term: term, logTerm: logTerm, index: index,
            entries: entries.map { PeerEntry(term: $0.term, index: $0.index, kind: $0.kind.rawValue, data: $0.data) },
            commit: commit, reject: reject, conflictTerm: conflictTerm, conflictIndex: conflictIndex,
            context: context, snapshot: snapshot?.wireMetadata, isLeadershipTransfer: isLeadershipTransfer
        )
    }

    /// The core's form of a message received from a peer.
    /// - Throws: `PeerMessageError` when an entry has a kind this build does not know.
    init(wire message: PeerMessage) throws(PeerMessageError) {
        var entries: [Entry] = []
        entries.reserveCapacity(message.entries.count)
        for entry in message.entries {
            guard let kind = EntryKind(rawValue: entry.kind) else { throw .unknownEntryKind(entry.kind) }
            entries.append(Entry(term: entry.term, index: entry.index, kind: kind, data: entry.data))
        }
        self.init(
            kind: Kind(wire: message.kind), from: message.from, to: message.to, term: message.term,
            logTerm: message.logTerm, index: message.index, entries: entries, commit: message.commit,
            reject: message.reject, conflictTerm: message.conflictTerm, conflictIndex: message.conflictIndex,
            context: message.context, snapshot: message.snapshot.map(SnapshotMetadata.init(wire:)),
            isLeadershipTransfer: message.isLeadershipTransfer
        )
    }
}

extension Message.Kind {
    var wireKind: PeerMessage.Kind {
        switch self {
        case .preVote: .preVote
        case .preVoteResponse: .preVoteResponse
        case .vote: .vote
        case .voteResponse: .voteResponse
        case .append: .append
        case .appendResponse: .appendResponse
        case .heartbeat: .heartbeat
        case .heartbeatResponse: .heartbeatResponse
        case .snapshot: .snapshot
        case .timeoutNow: .timeoutNow
        }
    }

    init(wire kind: PeerMessage.Kind) {
        switch kind {
        case .preVote: self = .preVote
        case .preVoteResponse: self = .preVoteResponse
        case .vote: self = .vote
        case .voteResponse: self = .voteResponse
        case .append: self = .append
        case .appendResponse: self = .appendResponse
        case .heartbeat: self = .heartbeat
        case .heartbeatResponse: self = .heartbeatResponse
        case .snapshot: self = .snapshot
        case .timeoutNow: self = .timeoutNow
        }
    }
}

extension SnapshotMetadata {
    var wireMetadata: PeerSnapshotMetadata {
        PeerSnapshotMetadata(index: index, term: term, voters: membership.voters, learners: membership.learners)
    }

    init(wire metadata: PeerSnapshotMetadata) {
        self.init(
            index: metadata.index, term: metadata.term,
            membership: Membership(voters: metadata.voters, learners: metadata.learners)
        )
    }
}
