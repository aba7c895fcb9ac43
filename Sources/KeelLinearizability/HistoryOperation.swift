/// One client operation: its invocation and, when it completed, its completion.
public struct HistoryOperation: Hashable, Sendable, CustomStringConvertible {
    /// The client that performed it; a process has at most one operation outstanding.
    public var process: Int
    public var key: String
    public var input: OperationInput
    /// What the client saw; `nil` unless `outcome` is `ok`.
    public var output: OperationOutput?
    public var outcome: Outcome
    /// Nanoseconds since the start of the run.
    public var callTime: Int64
    /// When the completion was recorded, in nanoseconds since the start of the run; `nil`
    /// when the history ended before it completed (then `outcome` is `info`). An `info`
    /// operation is treated as returning at the end of time whatever this says.
    public var completionTime: Int64?

    /// - Parameters:
    ///   - process: the client that performed it.
    ///   - key: the key it acted on.
    ///   - input: the function and its arguments.
    ///   - output: what the client saw; ignored unless `outcome` is `ok`.
    ///   - outcome: how it ended.
    ///   - callTime: nanoseconds since the start of the run.
    ///   - completionTime: nanoseconds since the start of the run, or `nil` if it never completed.
    public init(
        process: Int, key: String, input: OperationInput, output: OperationOutput? = nil,
        outcome: Outcome, callTime: Int64, completionTime: Int64?
    ) {
        self.process = process
        self.key = key
        self.input = input
        self.output = outcome == .ok ? (output ?? .unreported) : nil
        self.outcome = outcome
        self.callTime = callTime
        self.completionTime = completionTime
    }

    public var function: Function { input.function }

    /// The return time the checker uses: the completion time of an `ok` operation, `nil`
    /// (after everything) for an `info` one.
    public var returnTime: Int64? { outcome == .ok ? completionTime : nil }

    public var description: String {
        let end = completionTime.map(Self.seconds) ?? "never"
        var text = "p\(process) \(input) [\(Self.seconds(callTime)) .. \(end) s] \(outcome.rawValue)"
        if let output, outcome == .ok, output != .unreported { text += " -> \(output)" }
        return text
    }

    /// Nanoseconds as seconds with all nine decimals, so that no ordering is hidden by rounding.
    private static func seconds(_ nanoseconds: Int64) -> String {
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        let fraction = String(magnitude % 1_000_000_000)
        return "\(sign)\(magnitude / 1_000_000_000).\(String(repeating: "0", count: 9 - fraction.count))\(fraction)"
    }
}
