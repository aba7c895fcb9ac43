import CKeelProto

/// The description of a Raft snapshot as it crosses a peer connection: the log position it
/// covers and the membership at that position.
public struct PeerSnapshotMetadata: Sendable, Hashable {
    /// The index of the last entry the snapshot contains.
    public var index: UInt64
    /// The term of that entry.
    public var term: UInt64
    /// Voting members at `index`.
    public var voters: [UInt64]
    /// Learners at `index`.
    public var learners: [UInt64]

    /// Creates snapshot metadata.
    public init(index: UInt64, term: UInt64, voters: [UInt64], learners: [UInt64]) {
        self.index = index
        self.term = term
        self.voters = voters
        self.learners = learners
    }

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__RaftSnapshotMetadata> {
        let message = arena.message(keel__raft_snapshot_metadata__init)
        message.pointee.index = self.index
        message.pointee.term = self.term
        let membership = arena.message(keel__raft_membership__init)
        membership.pointee.n_voters = self.voters.count
        membership.pointee.voters = arena.array(self.voters)
        membership.pointee.n_learners = self.learners.count
        membership.pointee.learners = arena.array(self.learners)
        message.pointee.membership = membership
        return message
    }

    init(_ message: Keel__RaftSnapshotMetadata, reader: CFieldReader) {
        self.index = message.index
        self.term = message.term
        if let membership = message.membership?.pointee {
            self.voters = reader.scalars(membership.voters, count: membership.n_voters)
            self.learners = reader.scalars(membership.learners, count: membership.n_learners)
        } else {
            self.voters = []
            self.learners = []
        }
    }
}
