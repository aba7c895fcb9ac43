import CKeelProto

/// One piece of one file of a snapshot streamed from a leader to a follower.
///
/// Chunks of a file come in offset order, files one after another. The chunk with ``isLast``
/// ends the transfer and carries the Raft snapshot message that the follower steps once every
/// file is staged.
public struct SnapshotChunk: Sendable, Hashable {
    /// The index the snapshot's metadata names.
    public var snapshotIndex: UInt64
    /// The term of that index.
    public var snapshotTerm: UInt64
    /// The file the bytes belong to (a plain name, no directories).
    public var file: String
    /// Where `data` starts in the file.
    public var offset: UInt64
    /// The bytes.
    public var data: [UInt8]
    /// CRC-32C (Castagnoli) of `data`.
    public var checksum: UInt32
    /// Whether this chunk ends the transfer.
    public var isLast: Bool
    /// With ``isLast``: the Raft snapshot message to step once the files are staged.
    public var message: PeerMessage?

    /// Creates a chunk.
    public init(
        snapshotIndex: UInt64, snapshotTerm: UInt64, file: String, offset: UInt64, data: [UInt8],
        checksum: UInt32, isLast: Bool, message: PeerMessage? = nil
    ) {
        self.snapshotIndex = snapshotIndex
        self.snapshotTerm = snapshotTerm
        self.file = file
        self.offset = offset
        self.data = data
        self.checksum = checksum
        self.isLast = isLast
        self.message = message
    }

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__SnapshotChunk> {
        let chunk = arena.message(keel__snapshot_chunk__init)
        chunk.pointee.snapshot_index = self.snapshotIndex
        chunk.pointee.snapshot_term = self.snapshotTerm
        chunk.pointee.file = arena.cString(self.file)
        chunk.pointee.offset = self.offset
        chunk.pointee.data = arena.binaryData(self.data)
        chunk.pointee.checksum = self.checksum
        chunk.pointee.last = self.isLast ? 1 : 0
        chunk.pointee.message = self.message?.cMessage(in: arena)
        return chunk
    }

    init(_ chunk: Keel__SnapshotChunk, reader: CFieldReader) throws(WireDecodingError) {
        self.snapshotIndex = chunk.snapshot_index
        self.snapshotTerm = chunk.snapshot_term
        self.file = try reader.string(chunk.file, field: "snapshot_chunk.file")
        self.offset = chunk.offset
        self.data = reader.bytes(chunk.data)
        self.checksum = chunk.checksum
        self.isLast = chunk.last != 0
        self.message = try chunk.message.map { pointer throws(WireDecodingError) in
            try PeerMessage(pointer.pointee, reader: reader)
        }
    }
}
