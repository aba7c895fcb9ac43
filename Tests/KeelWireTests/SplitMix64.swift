import KeelRaft

/// The project's one seeded generator (SplitMix64, from the Raft core), so every "random" test
/// input is the same on every run and a failure can be replayed from its seed.
typealias SplitMix64 = DeterministicRandom

extension DeterministicRandom {
    mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}
