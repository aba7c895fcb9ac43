/// What the checker found for a whole history.
public struct CheckReport: Hashable, Sendable, CustomStringConvertible {
    /// The overall answer.
    public enum Summary: String, Hashable, Sendable {
        case linearizable
        case notLinearizable = "not linearizable"
        case unknown
    }

    /// One report per key, sorted by key.
    public var partitions: [PartitionReport]

    /// Not linearizable if any key is not; otherwise unknown if any key is unknown.
    public var summary: Summary {
        var sawUnknown = false
        for partition in partitions {
            switch partition.verdict {
            case .notLinearizable: return .notLinearizable
            case .unknown: sawUnknown = true
            case .linearizable: break
            }
        }
        return sawUnknown ? .unknown : .linearizable
    }

    public var isLinearizable: Bool { summary == .linearizable }

    /// The failure windows of the keys that are not linearizable.
    public var failures: [FailureWindow] {
        partitions.compactMap {
            if case .notLinearizable(let window) = $0.verdict { return window }
            return nil
        }
    }

    /// An aligned table with one row per key, then every failure window.
    public var description: String {
        let keyWidth = max(3, partitions.map { HistoryValue.string($0.key).jsonText.count }.max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(0, width - text.count))
        }
        var lines = [pad("key", keyWidth) + "  " + pad("model", 10) + "  " + pad("ops", 7) + "  " + pad("steps", 10) + "  verdict"]
        for partition in partitions {
            let verdict: String
            switch partition.verdict {
            case .linearizable: verdict = "linearizable"
            case .notLinearizable: verdict = "NOT linearizable"
            case .unknown(let reason): verdict = "unknown (\(reason))"
            }
            lines.append(
                pad(HistoryValue.string(partition.key).jsonText, keyWidth) + "  " + pad(partition.model.rawValue, 10) + "  "
                    + pad(String(partition.operationCount), 7) + "  " + pad(String(partition.steps), 10) + "  " + verdict)
        }
        for failure in failures {
            lines.append("")
            lines.append(failure.description)
        }
        lines.append("")
        lines.append("verdict: \(summary.rawValue)")
        return lines.joined(separator: "\n")
    }
}
