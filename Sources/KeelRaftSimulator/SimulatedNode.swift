import KeelRaft

/// One simulated server: a Raft core when running, and what survives a crash. The
/// `MemoryLogStorage` is the disk: it holds exactly what the driver persisted.
struct SimulatedNode {
    let id: UInt64
    var raft: RaftNode<MemoryLogStorage>?
    let disk: MemoryLogStorage
    var configuration: RaftConfiguration
    /// The state machine; volatile, rebuilt from `snapshotImage` on restart.
    var stateMachine = SimulatedStateMachine()
    /// The state machine at the disk's snapshot index; durable.
    var snapshotImage = SimulatedStateMachine()
    /// Snapshot data received from leaders, by index, until the core asks to install it.
    var incomingImages: [UInt64: SimulatedStateMachine] = [:]
    /// When a crashed node comes back.
    var restartAt: Int?
    /// Removed from the membership and shut down for good.
    var decommissioned = false
    var wasLeader = false
    /// The commit index up to which the checks compared this node's entries.
    var checkedCommit: UInt64 = 0

    init(id: UInt64, membership: Membership, configuration: RaftConfiguration) {
        self.id = id
        self.configuration = configuration
        disk = MemoryLogStorage(membership: membership)
        raft = try! RaftNode(id: id, configuration: configuration, storage: disk)
    }

    var isUp: Bool { raft != nil }

    mutating func crash(restartAt tick: Int?) {
        raft = nil
        stateMachine = SimulatedStateMachine()
        incomingImages.removeAll()
        restartAt = tick
        wasLeader = false
        checkedCommit = 0
    }

    mutating func restart(with configuration: RaftConfiguration) throws(RaftError) {
        self.configuration = configuration
        raft = try RaftNode(id: id, configuration: configuration, storage: disk)
        stateMachine = snapshotImage
        restartAt = nil
    }
}
