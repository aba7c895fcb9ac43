import KeelRaft

/// The project's one seeded generator (SplitMix64, from the Raft core), so that every choice of
/// a run follows from `--seed`.
typealias SeededGenerator = DeterministicRandom

extension DeterministicRandom {
    /// A generator for one part of the run (the nemesis, client `n`), independent of the others.
    init(seed: UInt64, stream: UInt64) {
        var mixer = DeterministicRandom(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        self.init(seed: mixer.next())
    }
}
