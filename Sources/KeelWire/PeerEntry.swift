import CKeelProto

/// A Raft log entry as it crosses a peer connection (KeelRaft's `Entry`, without depending on
/// KeelRaft).
public struct PeerEntry: Sendable, Hashable {
    /// How the receiving node treats `data`: 0 normal, 1 configuration change, 2 no-op.
    /// Kept as a number so that a kind added later passes through unchanged.
    public var kind: UInt8
    /// The term of the leader that created the entry.
    public var term: UInt64
    /// The entry's log index.
    public var index: UInt64
    /// The payload.
    public var data: [UInt8]

    /// Creates an entry.
    public init(term: UInt64, index: UInt64, kind: UInt8, data: [UInt8]) {
        self.term = term
        self.index = index
        self.kind = kind
        self.data = data
    }

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__RaftEntry>? {
        let message = arena.message(keel__raft_entry__init)
        message.pointee.term = self.term
        message.pointee.index = self.index
        message.pointee.kind = Keel__RaftEntryKind(rawValue: .init(self.kind))
        message.pointee.data = arena.binaryData(self.data)
        return message
    }

    init(_ message: Keel__RaftEntry, reader: CFieldReader) throws(WireDecodingError) {
        let kind = Int64(message.kind.rawValue)
        guard (0...Int64(UInt8.max)).contains(kind) else {
            throw reader.invalid("entries.kind", "entry kind \(kind) out of range")
        }
        self.kind = UInt8(kind)
        self.term = message.term
        self.index = message.index
        self.data = reader.bytes(message.data)
    }
}
