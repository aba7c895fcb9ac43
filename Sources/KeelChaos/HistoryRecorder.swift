import Foundation
import KeelLinearizability
import Synchronization

/// Writes the run's history as JSON lines (docs/testing.md), one line per event, in the order
/// the events happen: the time stamp is taken and the line appended under one lock, so file
/// order and time order agree.
final class HistoryRecorder: Sendable {
    private struct State {
        var handle: FileHandle?
        var pending = ""
        var outcomes: [Outcome: Int] = [:]
        var completionsByKey: [String: [Outcome: Int]] = [:]
    }

    private let start = ContinuousClock.now
    private let state: Mutex<State>

    /// Creates (or truncates) the history file.
    init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ChaosError("cannot create the history file \(path)")
        }
        state = Mutex(State(handle: try FileHandle(forWritingTo: url)))
    }

    /// Nanoseconds since the recorder was created (the run's time origin).
    func now() -> Int64 {
        let elapsed = start.duration(to: .now).components
        return elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
    }

    /// Records that `process` invokes `function` on `key` with `value`.
    func invoke(process: Int, function: Function, key: String, value: HistoryValue) {
        append { time in
            "{\"process\": \(process), \"type\": \"invoke\", \"f\": \"\(function.rawValue)\", \"key\": \(HistoryValue.string(key).jsonText), \"value\": \(value.jsonText), \"time\": \(time)}"
        }
    }

    /// Records the completion of `process`'s outstanding operation.
    /// - Parameter error: why it failed or is unknown, kept in the file for people.
    func complete(process: Int, outcome: Outcome, function: Function, key: String, value: HistoryValue, error: String? = nil) {
        let errorField = error.map { ", \"error\": \(HistoryValue.string($0).jsonText)" } ?? ""
        append(outcome: outcome, key: key) { time in
            "{\"process\": \(process), \"type\": \"\(outcome.rawValue)\", \"f\": \"\(function.rawValue)\", \"key\": \(HistoryValue.string(key).jsonText), \"value\": \(value.jsonText), \"time\": \(time)\(errorField)}"
        }
    }

    /// Completions so far, by outcome.
    var outcomes: [Outcome: Int] {
        state.withLock { $0.outcomes }
    }

    /// Completions so far, by key and outcome.
    var outcomesByKey: [String: [Outcome: Int]] {
        state.withLock { $0.completionsByKey }
    }

    /// Writes what is buffered and closes the file.
    func close() throws {
        try state.withLock { state in
            try Self.flush(&state)
            try state.handle?.close()
            state.handle = nil
        }
    }

    private func append(outcome: Outcome? = nil, key: String = "", _ line: (Int64) -> String) {
        state.withLock { state in
            state.pending += line(now())
            state.pending += "\n"
            if let outcome {
                state.outcomes[outcome, default: 0] += 1
                state.completionsByKey[key, default: [:]][outcome, default: 0] += 1
            }
            if state.pending.utf8.count > 64 * 1024 { try? Self.flush(&state) }
        }
    }

    private static func flush(_ state: inout State) throws {
        guard !state.pending.isEmpty, let handle = state.handle else { return }
        try handle.write(contentsOf: Data(state.pending.utf8))
        state.pending = ""
    }
}
