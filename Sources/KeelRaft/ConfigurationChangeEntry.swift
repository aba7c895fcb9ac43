/// The payload of a `.configurationChange` entry: the change and the whole membership it
/// produces. Carrying the full membership lets any node (a new learner that never saw the
/// bootstrap configuration, a node rolling back a truncated change) know the configuration
/// from the entry alone.
public struct ConfigurationChangeEntry: Sendable, Hashable {
    /// The change that was proposed.
    public var change: ConfigurationChange
    /// The membership in force once the entry is appended.
    public var membership: Membership

    /// Creates a payload.
    public init(change: ConfigurationChange, membership: Membership) {
        self.change = change
        self.membership = membership
    }

    /// The entry data.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(UInt8(1))  // format version
        writer.write(change.kind.rawValue)
        writer.write(change.node)
        writer.write(UInt32(change.context.count))
        writer.bytes.append(contentsOf: change.context)
        membership.encode(into: &writer)
        return writer.bytes
    }

    /// Decodes entry data.
    /// - Throws: `RaftError.malformedConfigurationEntry` when the bytes are not a payload.
    public init(decoding bytes: [UInt8]) throws(RaftError) {
        var reader = ByteReader(bytes)
        guard try reader.readUInt8() == 1,
              let kind = ConfigurationChange.Kind(rawValue: try reader.readUInt8())
        else { throw .malformedConfigurationEntry }
        let node = try reader.readUInt64()
        let contextCount = Int(try reader.readUInt32())
        let context = try reader.readBytes(contextCount)
        change = ConfigurationChange(kind, node: node, context: context)
        membership = try Membership(decoding: &reader)
        guard reader.isAtEnd else { throw .malformedConfigurationEntry }
    }
}
