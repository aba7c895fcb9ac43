import KeelRaft

/// The project's one seeded generator (SplitMix64, from the Raft core): the same seed gives the
/// same members and scores on every run.
typealias SplitMix64 = DeterministicRandom
