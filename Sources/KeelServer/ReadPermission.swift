import KeelWire

/// The answer to a linearizable read: the state machine now reflects every write
/// acknowledged before the read arrived, or the read cannot be served here.
enum ReadPermission: Sendable {
    case granted
    case refused(ErrorReply)
}
