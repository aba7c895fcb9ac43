import KeelRaft

/// The project's one seeded generator (SplitMix64, from the Raft core), so that a generated
/// history replays exactly from its seed.
typealias SplitMix64 = DeterministicRandom
