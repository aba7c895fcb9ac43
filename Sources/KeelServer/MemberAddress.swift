/// Where a member of the cluster listens: its peer port (Raft traffic) and its client port.
public struct MemberAddress: Sendable, Hashable {
    /// `host:port` of the peer port.
    public var peer: String
    /// `host:port` of the client port; empty while unknown.
    public var client: String

    /// Creates an address record.
    public init(peer: String, client: String) {
        self.peer = peer
        self.client = client
    }

    func encoded() -> [UInt8] {
        var bytes: [UInt8] = [1]
        BinaryCoding.append(string: peer, to: &bytes)
        BinaryCoding.append(string: client, to: &bytes)
        return bytes
    }

    init(decoding bytes: [UInt8]) throws(StorageCorruption) {
        var reader = BinaryReader(bytes)
        guard try reader.uint8() == 1 else { throw StorageCorruption("unknown address record version") }
        peer = try reader.string()
        client = try reader.string()
    }
}
