/// A chaos run could not be carried out (setup, a cluster that never recovers); distinct from a
/// run that completed and found a bug, which is a failing ``ChaosSummary``.
public struct ChaosError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
