import KeelRaft
import KeelStore
import KeelWire

/// Everything that reaches the driver from other threads: peer messages, client proposals,
/// reads, admin requests and transport reports.
enum DriverEvent: Sendable {
    case messages([Message])
    case propose(WriteProposal)
    /// A linearizable read of the data the footprint names, posted at `postedAt`
    /// (`DispatchTime` nanoseconds); the permission comes once the read may be served.
    case read(DataFootprint, postedAt: UInt64, @Sendable (ReadPermission) -> Void)
    case admin(AdminOperation, @Sendable (ClientResult) -> Void)
    case peerIntroduced(UInt64, MemberAddress)
    case snapshotStaged(Message, directory: String)
    case snapshotReport(peer: UInt64, success: Bool)
    case unreachable(UInt64)
    /// The peer's address refused a connection: its process is gone.
    case peerDown(UInt64)
    /// Shutdown: move leadership away (if this node leads), then call back.
    case handOff(@Sendable () -> Void)
    /// The apply worker finished a group.
    case applied
    /// The log writer finished the write it was given.
    case logWritten
}
