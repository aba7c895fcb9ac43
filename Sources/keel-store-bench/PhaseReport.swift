import Foundation

/// The figures of one measured phase.
struct PhaseReport {
    var name: String
    /// Operations counted for the rate (set inserts, puts).
    var operations: Int
    var commands: Int
    var elapsed: Duration

    var seconds: Double {
        let parts = elapsed.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    var operationsPerSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }

    var line: String {
        let rate = Int(operationsPerSecond.rounded())
        return "\(name.padding(toLength: 12, withPad: " ", startingAt: 0))"
            + " \(String(operations).leftPadded(10)) ops"
            + " \(String(commands).leftPadded(8)) commands"
            + " \(String(format: "%9.3f", seconds)) s"
            + " \(String(rate).leftPadded(10)) ops/s"
    }

    var jsonObject: [String: Any] {
        ["phase": name, "operations": operations, "commands": commands, "seconds": seconds, "operationsPerSecond": operationsPerSecond]
    }

    static func print(_ reports: [PhaseReport], settings: [String: Any], json: Bool) {
        if json {
            let object: [String: Any] = ["settings": settings, "phases": reports.map(\.jsonObject)]
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                Swift.print(String(decoding: data, as: UTF8.self))
            }
            return
        }
        Swift.print(settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        for report in reports {
            Swift.print(report.line)
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
