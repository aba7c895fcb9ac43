import Foundation

/// The machine a run happens on, as docs/benchmarks.md records it.
enum MachineDescription {
    /// The 1-minute load average from /proc/loadavg (0 where it cannot be read).
    static func loadAverage() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
              let first = text.split(separator: " ").first else { return 0 }
        return Double(first) ?? 0
    }

    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    static var memoryGiB: Double { Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30) }

    /// `PRETTY_NAME` of /etc/os-release.
    static var operatingSystem: String {
        guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return "unknown OS" }
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            return String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return "unknown OS"
    }

    /// "Debian GNU/Linux 12 (bookworm), 2 cores, 24 GiB".
    static var summary: String {
        "\(operatingSystem), \(cores) cores, \(Int(memoryGiB.rounded())) GiB"
    }

    /// Today's date as YYYY-MM-DD (UTC).
    static var today: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
