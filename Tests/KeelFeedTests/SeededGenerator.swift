import KeelRaft

/// The project's one seeded generator (SplitMix64, from the Raft core), so a failing run can be
/// replayed from its seed.
typealias SeededGenerator = DeterministicRandom
