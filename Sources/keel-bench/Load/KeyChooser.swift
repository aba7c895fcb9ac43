import Foundation

/// Draws key indices in 0 ..< count, uniformly or Zipf-distributed.
///
/// The Zipfian draw uses the closed-form approximation of Gray et al., "Quickly Generating
/// Billion-Record Synthetic Databases" (SIGMOD 1994), the one YCSB uses: one uniform draw per
/// key, after computing the generalised harmonic number of the key space once.
struct KeyChooser: Sendable {
    let count: Int
    let distribution: KeyDistribution
    private let theta: Double
    private let zetaN: Double
    private let alpha: Double
    private let eta: Double
    private let halfPowTheta: Double

    init(count: Int, distribution: KeyDistribution, theta: Double = 0.99) {
        precondition(count >= 1, "an empty key space")
        self.count = count
        self.distribution = distribution
        self.theta = theta
        guard distribution == .zipfian, count > 1 else {
            zetaN = 1; alpha = 1; eta = 0; halfPowTheta = 0
            return
        }
        var zeta = 0.0
        for rank in 1...count { zeta += 1 / pow(Double(rank), theta) }
        let zeta2 = 1 + 1 / pow(2, theta)
        zetaN = zeta
        alpha = 1 / (1 - theta)
        eta = (1 - pow(2 / Double(count), 1 - theta)) / (1 - zeta2 / zeta)
        halfPowTheta = pow(0.5, theta)
    }

    func next(using random: inout SplitMix64) -> Int {
        switch distribution {
        case .uniform:
            return Int(random.next() % UInt64(count))
        case .zipfian:
            guard count > 1 else { return 0 }
            let u = Double(random.next() >> 11) / Double(1 << 53)
            let uz = u * zetaN
            if uz < 1 { return 0 }
            if uz < 1 + halfPowTheta { return 1 }
            return min(count - 1, Int(Double(count) * pow(eta * u - eta + 1, alpha)))
        }
    }
}
