import ArgumentParser
import Foundation

/// `key = value` lines; `#` starts a comment; values may be quoted.
struct ConfigurationFile {
    var values: [String: String] = [:]

    init() {}

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else {
                throw ValidationError("\(path):\(number + 1): expected key = value")
            }
            var value = parts[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            values[parts[0].trimmingCharacters(in: .whitespaces)] = value
        }
    }
}
