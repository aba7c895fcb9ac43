import ArgumentParser

/// How a workload picks keys (or sets) from its key space.
enum KeyDistribution: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Every key equally likely.
    case uniform
    /// A few keys hot: key i (from 0) chosen with probability proportional to 1 / (i + 1)^theta.
    case zipfian
}
