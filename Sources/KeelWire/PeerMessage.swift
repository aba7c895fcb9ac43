import CKeelProto

/// One Raft message as it crosses a peer connection. The fields mean what they mean in
/// KeelRaft's `Message`; the server converts between the two.
public struct PeerMessage: Sendable, Hashable {
    /// The kinds of Raft messages, numbered as in `keel.proto`.
    public enum Kind: Int32, Sendable, Hashable, CaseIterable {
        case preVote = 1
        case preVoteResponse = 2
        case vote = 3
        case voteResponse = 4
        case append = 5
        case appendResponse = 6
        case heartbeat = 7
        case heartbeatResponse = 8
        case snapshot = 9
        case timeoutNow = 10
    }

    public var kind: Kind
    public var from: UInt64
    public var to: UInt64
    public var term: UInt64
    public var logTerm: UInt64
    public var index: UInt64
    public var entries: [PeerEntry]
    public var commit: UInt64
    public var reject: Bool
    public var conflictTerm: UInt64
    public var conflictIndex: UInt64
    public var context: UInt64
    public var snapshot: PeerSnapshotMetadata?
    public var isLeadershipTransfer: Bool

    /// Creates a message; unused fields stay zero.
    public init(
        kind: Kind, from: UInt64, to: UInt64, term: UInt64,
        logTerm: UInt64 = 0, index: UInt64 = 0, entries: [PeerEntry] = [], commit: UInt64 = 0,
        reject: Bool = false, conflictTerm: UInt64 = 0, conflictIndex: UInt64 = 0,
        context: UInt64 = 0, snapshot: PeerSnapshotMetadata? = nil, isLeadershipTransfer: Bool = false
    ) {
        self.kind = kind
        self.from = from
        self.to = to
        self.term = term
        self.logTerm = logTerm
        self.index = index
        self.entries = entries
        self.commit = commit
        self.reject = reject
        self.conflictTerm = conflictTerm
        self.conflictIndex = conflictIndex
        self.context = context
        self.snapshot = snapshot
        self.isLeadershipTransfer = isLeadershipTransfer
    }

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__RaftMessage> {
        let message = arena.message(keel__raft_message__init)
        message.pointee.kind = Keel__RaftMessageKind(rawValue: .init(truncatingIfNeeded: self.kind.rawValue))
        message.pointee.from = self.from
        message.pointee.to = self.to
        message.pointee.term = self.term
        message.pointee.log_term = self.logTerm
        message.pointee.index = self.index
        let entries = self.entries.map { $0.cMessage(in: arena) }
        message.pointee.n_entries = entries.count
        message.pointee.entries = arena.array(entries)
        message.pointee.commit = self.commit
        message.pointee.reject = self.reject ? 1 : 0
        message.pointee.conflict_term = self.conflictTerm
        message.pointee.conflict_index = self.conflictIndex
        message.pointee.context = self.context
        message.pointee.snapshot = self.snapshot?.cMessage(in: arena)
        message.pointee.leadership_transfer = self.isLeadershipTransfer ? 1 : 0
        return message
    }

    init(_ message: Keel__RaftMessage, reader: CFieldReader) throws(WireDecodingError) {
        let rawKind = Int32(truncatingIfNeeded: message.kind.rawValue)
        guard let kind = Kind(rawValue: rawKind) else {
            throw reader.invalid("kind", "unknown Raft message kind \(rawKind)")
        }
        self.kind = kind
        self.from = message.from
        self.to = message.to
        self.term = message.term
        self.logTerm = message.log_term
        self.index = message.index
        self.entries = try reader.messages(message.entries, count: message.n_entries, field: "entries") {
            entry throws(WireDecodingError) -> PeerEntry in
            try PeerEntry(entry, reader: reader)
        }
        self.commit = message.commit
        self.reject = message.reject != 0
        self.conflictTerm = message.conflict_term
        self.conflictIndex = message.conflict_index
        self.context = message.context
        self.snapshot = message.snapshot.map { PeerSnapshotMetadata($0.pointee, reader: reader) }
        self.isLeadershipTransfer = message.leadership_transfer != 0
    }
}
