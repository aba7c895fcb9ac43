/// The kinds of fault the nemesis injects; `--faults` picks a mix of them.
public enum FaultKind: String, CaseIterable, Sendable, Hashable, Comparable {
    /// kill -9 a node (the leader half of the time), then restart it on the same data.
    case kill
    /// SIGSTOP a node (usually the leader) long enough for the others to elect a new leader,
    /// then SIGCONT.
    case pause
    /// Cut peer links at the proxies: one node isolated, a minority split off, or the leader's
    /// outgoing links only; then heal.
    case partition
    /// Ask the leader to hand leadership to another voter.
    case transfer
    /// Add a fresh node (learner, then voter), or remove a voter that is not the leader and stop
    /// it, keeping the voters between the configured size and one more.
    case membership

    public static func < (lhs: FaultKind, rhs: FaultKind) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
