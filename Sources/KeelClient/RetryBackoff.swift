/// Exponential backoff with jitter between the attempts of one call.
///
/// Attempt `n` (counting from 0) waits a random time between half of
/// `min(maximum, initial * multiplier^n)` and all of it, so that many clients that failed at
/// the same moment (an election) do not all come back at the same moment.
public struct RetryBackoff: Sendable, Hashable {
    /// The upper bound of the first wait. Defaults to 10 ms.
    public var initial: Duration
    /// The upper bound no wait exceeds. Defaults to 500 ms.
    public var maximum: Duration
    /// How much the bound grows per attempt. Defaults to 2.
    public var multiplier: Double

    /// Creates a backoff policy.
    public init(initial: Duration = .milliseconds(10), maximum: Duration = .milliseconds(500), multiplier: Double = 2) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
    }

    /// The wait before retry number `attempt` (0 for the first retry).
    /// - Parameters:
    ///   - attempt: How many retries came before this one.
    ///   - generator: The source of jitter.
    func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let growth = Double.pow(self.multiplier, min(attempt, 30))
        let bound = min(self.maximum.seconds, self.initial.seconds * growth)
        guard bound > 0 else {
            return .zero
        }
        return .seconds(Double.random(in: (bound / 2)...bound, using: &generator))
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension Double {
    fileprivate static func pow(_ base: Double, _ exponent: Int) -> Double {
        (0..<max(exponent, 0)).reduce(1.0) { value, _ in value * base }
    }
}
