import Foundation

/// The figures of one measured phase.
struct PhaseReport {
    var name: String
    /// Operations counted for the rate (set inserts, puts).
    var operations: Int
    var commands: Int
    var elapsed: ApplyTime

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    var seconds: Double { Self.seconds(elapsed.wall) }
    var cpuSeconds: Double { Self.seconds(elapsed.cpu) }
    var operationsPerSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }
    var operationsPerCPUSecond: Double { cpuSeconds > 0 ? Double(operations) / cpuSeconds : 0 }

    var line: String {
        "\(name.padding(toLength: 8, withPad: " ", startingAt: 0))"
            + " \(String(operations).leftPadded(9)) ops"
            + " \(String(commands).leftPadded(7)) commands"
            + " \(String(format: "%8.3f", seconds)) s"
            + " \(String(Int(operationsPerSecond.rounded())).leftPadded(8)) ops/s"
            + "   apply thread CPU \(String(format: "%8.3f", cpuSeconds)) s"
            + " \(String(Int(operationsPerCPUSecond.rounded())).leftPadded(8)) ops/CPU-s"
    }

    var jsonObject: [String: Any] {
        [
            "phase": name, "operations": operations, "commands": commands, "seconds": seconds,
            "operationsPerSecond": operationsPerSecond, "cpuSeconds": cpuSeconds, "operationsPerCPUSecond": operationsPerCPUSecond,
        ]
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
