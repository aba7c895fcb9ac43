import ArgumentParser
import Foundation
import KeelLinearizability

/// `keel-check HISTORY.jsonl`: checks a recorded history for linearizability.
/// Exit status 0 when linearizable, 1 when not, 2 when unknown or the file is malformed.
@main
struct KeelCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keel-check",
        abstract: "Check a Keel history file (JSON lines) for linearizability, key by key.",
        discussion: """
            Exit status: 0 linearizable, 1 not linearizable, 2 unknown (budget ran out) or \
            unreadable. The format is described in docs/testing.md.
            """)

    @Argument(help: "The history file, one JSON event per line.")
    var history: String

    @Option(help: "Search steps allowed per search on one key.")
    var maxSteps: Int = CheckLimits().maxSteps

    @Option(help: "Seconds allowed per key (no limit when omitted).")
    var timeLimit: Double?

    @Option(help: "Operations completed before a failing one to show in its report.")
    var context: Int = CheckLimits().precedingOperations

    @Option(
        name: .customLong("model"),
        help: ArgumentHelp("Model of one key, as KEY=register|counter|sorted-set (repeatable).", valueName: "key=model"))
    var modelAssignments: [String] = []

    func validate() throws {
        guard maxSteps > 0 else { throw ValidationError("--max-steps must be positive") }
        if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit must be positive") }
        guard context >= 0 else { throw ValidationError("--context cannot be negative") }
        _ = try parsedModels()
    }

    func run() throws {
        let parsed: History
        do {
            parsed = try History(contentsOf: URL(fileURLWithPath: history))
        } catch {
            let message = (error as? HistoryFormatError)?.description ?? error.localizedDescription
            printError("keel-check: \(history): \(message)")
            throw ExitCode(2)
        }
        let limits = CheckLimits(
            maxSteps: maxSteps, timeLimit: timeLimit.map { .milliseconds(Int64(($0 * 1000).rounded(.up))) },
            precedingOperations: context)
        let report: CheckReport
        do {
            report = try LinearizabilityChecker(limits: limits, models: try parsedModels()).check(parsed)
        } catch {
            printError("keel-check: \(error)")
            throw ExitCode(2)
        }
        print("\(parsed.operations.count) operations on \(report.partitions.count) keys")
        print(report)
        switch report.summary {
        case .linearizable: return
        case .notLinearizable: throw ExitCode(1)
        case .unknown: throw ExitCode(2)
        }
    }

    private func parsedModels() throws -> [String: ModelKind] {
        var models: [String: ModelKind] = [:]
        for assignment in modelAssignments {
            guard let equals = assignment.lastIndex(of: "="),
                let model = ModelKind(rawValue: String(assignment[assignment.index(after: equals)...]))
            else {
                throw ValidationError("--model takes KEY=register|counter|sorted-set, got \"\(assignment)\"")
            }
            models[String(assignment[..<equals])] = model
        }
        return models
    }

    private func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
