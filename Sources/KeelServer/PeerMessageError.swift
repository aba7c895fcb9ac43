/// A peer sent a message this build cannot hand to the core.
enum PeerMessageError: Error, Hashable {
    case unknownEntryKind(UInt8)
}
