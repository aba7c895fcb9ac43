import KeelLinearizability

/// What a chaos run did and found.
public struct ChaosSummary: Sendable, CustomStringConvertible {
    /// The overall answer.
    public enum Verdict: String, Sendable {
        /// The history is linearizable and every after-the-faults check passed.
        case passed
        /// The checker or an after-the-faults check found a violation.
        case failed
        /// The checker ran out of budget on some key; nothing was found, nothing proven.
        case unknown
    }

    public var seed: UInt64
    public var nodes: Int
    public var clients: Int
    /// Wall-clock time of the whole run, from the first node start to the verdict.
    public var elapsed: Duration
    /// Faults injected, by kind.
    public var faults: [FaultKind: Int]
    /// Completed operations by outcome (`ok`, `fail`, `info`), final reads included.
    public var outcomes: [Outcome: Int]
    /// The checker's report; nil if the run stopped before checking.
    public var report: CheckReport?
    /// Violations found after the faults healed (acknowledged increments missing, replicas
    /// that disagree).
    public var problems: [String]
    /// Per member: its digest of the run's keys and the applied index it was taken at.
    public var digests: [(node: UInt64, appliedIndex: UInt64, digest: UInt64)]
    /// The history file.
    public var historyPath: String

    public var verdict: Verdict {
        if !problems.isEmpty { return .failed }
        switch report?.summary {
        case .linearizable: return .passed
        case .notLinearizable: return .failed
        case .unknown, nil: return .unknown
        }
    }

    /// 0 passed, 1 failed, 2 unknown: the same as keel-check.
    public var exitStatus: Int32 {
        switch verdict {
        case .passed: 0
        case .failed: 1
        case .unknown: 2
        }
    }

    public var description: String {
        var lines: [String] = []
        if let report { lines.append(report.description) }
        lines.append("")
        lines.append("chaos run: seed \(seed), \(nodes) nodes, \(clients) clients, \(Self.seconds(elapsed)) s")
        let faultText = FaultKind.allCases.compactMap { kind in faults[kind].map { "\(kind.rawValue) \($0)" } }
        lines.append("faults: \(faults.values.reduce(0, +)) (\(faultText.isEmpty ? "none" : faultText.joined(separator: ", ")))")
        let total = outcomes.values.reduce(0, +)
        lines.append(
            "operations: \(total) (ok \(outcomes[.ok] ?? 0), fail \(outcomes[.fail] ?? 0), info \(outcomes[.info] ?? 0))"
        )
        for entry in digests {
            lines.append("node \(entry.node): applied index \(entry.appliedIndex), digest \(String(entry.digest, radix: 16))")
        }
        for problem in problems { lines.append("PROBLEM: \(problem)") }
        lines.append("history: \(historyPath)")
        lines.append("verdict: \(verdict.rawValue.uppercased())")
        return lines.joined(separator: "\n")
    }

    private static func seconds(_ duration: Duration) -> String {
        let components = duration.components
        return String(Double(components.seconds) + Double(components.attoseconds) / 1e18).prefix(7).description
    }
}
