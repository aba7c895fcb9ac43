/// The smallest part of one key's history that shows it is not linearizable.
///
/// Cut the history at a moment t: operations that returned by t must be placed, operations
/// invoked by t that return later are pending (placed or not), later ones are left out.
/// Cutting at a later moment can only add constraints, so there is a first return time at
/// which the cut history stops being linearizable. `failing` is the operation returning
/// then; everything before that moment has a linearization.
public struct FailureWindow: Hashable, Sendable, CustomStringConvertible {
    public var key: String
    public var model: ModelKind
    /// The operation whose completion no linearization can accommodate.
    public var failing: HistoryOperation
    /// Operations that overlap it in time (including ones with unknown outcomes).
    public var concurrent: [HistoryOperation]
    /// The last operations that completed before it was invoked, oldest first.
    public var preceding: [HistoryOperation]
    /// How many operations completed before `failing` returned; those have a linearization.
    public var linearizableCompletions: Int
    /// True when the window was found with a search that ran out of budget, so it is the
    /// first point that could not be shown linearizable rather than a proven one.
    public var isApproximate: Bool

    public var description: String {
        var lines = ["key \(HistoryValue.string(key).jsonText) (\(model)): not linearizable"]
        lines.append(
            "  the first \(linearizableCompletions) completed operations have a linearization; this one cannot be placed"
                + (isApproximate ? " (search budget ran out on a shorter cut: approximate)" : "") + ":")
        lines.append("    \(failing)")
        if !preceding.isEmpty {
            lines.append("  completed before it was invoked (latest \(preceding.count)):")
            lines += preceding.map { "    \($0)" }
        }
        if !concurrent.isEmpty {
            lines.append("  concurrent with it:")
            lines += concurrent.map { "    \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
