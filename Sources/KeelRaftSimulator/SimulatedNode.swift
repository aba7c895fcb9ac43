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
    /// When a running node is to crash (leader churn).
    var crashAt: Int?
    /// Removed from the membership and shut down for good.
    var decommissioned = false
    var wasLeader = false
    /// The commit index up to which the checks compared this node's entries.
    var checkedCommit: UInt64 = 0
    /// A `Ready` whose write is still under way, and the tick it becomes durable.
    var writing: (ready: Ready, doneAt: Int)?

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
        crashAt = nil
        wasLeader = false
        checkedCommit = 0
        writing = nil
    }

    mutating func restart(with configuration: RaftConfiguration) throws(RaftError) {
        self.configuration = configuration
        raft = try RaftNode(id: id, configuration: configuration, storage: disk)
        stateMachine = snapshotImage
        restartAt = nil
    }
}
