/// What one load task owns: its index, its generator and its sequence of requests.
struct WorkerContext: Sendable {
    let worker: Int
    var random: SplitMix64
    /// Requests this worker has sent so far (unique member names come from it).
    var sequence = 0

    init(worker: Int, seed: UInt64) {
        self.worker = worker
        random = SplitMix64(seed: seed &+ UInt64(worker) &* 0x9E37_79B9)
    }

    mutating func next(_ chooser: KeyChooser) -> Int {
        chooser.next(using: &random)
    }

    /// A uniform draw in 0 ..< bound.
    mutating func uniform(_ bound: Int) -> Int {
        Int(random.next() % UInt64(bound))
    }
}
