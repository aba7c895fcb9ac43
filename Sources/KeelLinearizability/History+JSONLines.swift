import Foundation

extension History {
    /// Reads a history in the JSON-lines format (see docs/testing.md). Blank lines are skipped;
    /// an invocation with no completion by the end of the text becomes an `info` operation.
    ///
    /// - Parameter text: the whole file.
    /// - Throws: `HistoryFormatError` naming the first line that is malformed or does not pair.
    public init(jsonLines text: String) throws(HistoryFormatError) {
        var operations: [HistoryOperation] = []
        // process -> (index into operations, line of the invocation)
        var outstanding: [Int: (index: Int, line: Int)] = [:]
        let decoder = JSONDecoder()
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if rawLine.allSatisfy(\.isWhitespace) { continue }
            let event: HistoryEvent
            do {
                event = try decoder.decode(HistoryEvent.self, from: Data(rawLine.utf8))
            } catch {
                throw HistoryFormatError(line: lineNumber, reason: .invalidJSON(Self.summary(of: error)))
            }
            let value = event.value ?? .null
            if event.type == "invoke" {
                if let previous = outstanding[event.process] {
                    throw HistoryFormatError(
                        line: lineNumber,
                        reason: .invocationWhileOutstanding(process: event.process, since: previous.line))
                }
                guard let name = event.f else { throw HistoryFormatError(line: lineNumber, reason: .missingField("f")) }
                guard let function = Function(rawValue: name) else {
                    throw HistoryFormatError(line: lineNumber, reason: .unknownFunction(name))
                }
                guard let key = event.key else { throw HistoryFormatError(line: lineNumber, reason: .missingField("key")) }
                let input: OperationInput
                do {
                    input = try OperationInput(function: function, value: value)
                } catch {
                    throw HistoryFormatError(line: lineNumber, reason: .invalidValue(function, error.detail))
                }
                outstanding[event.process] = (operations.count, lineNumber)
                operations.append(
                    HistoryOperation(
                        process: event.process, key: key, input: input, outcome: .info,
                        callTime: event.time, completionTime: nil))
                continue
            }
            guard let outcome = Outcome(rawValue: event.type) else {
                throw HistoryFormatError(line: lineNumber, reason: .unknownType(event.type))
            }
            guard let invocation = outstanding.removeValue(forKey: event.process) else {
                throw HistoryFormatError(line: lineNumber, reason: .completionWithoutInvocation(process: event.process))
            }
            var operation = operations[invocation.index]
            if let name = event.f, name != operation.function.rawValue {
                throw HistoryFormatError(
                    line: lineNumber,
                    reason: .completionMismatch(process: event.process, "f \(name), invoked \(operation.function.rawValue)"))
            }
            if let key = event.key, key != operation.key {
                throw HistoryFormatError(
                    line: lineNumber,
                    reason: .completionMismatch(process: event.process, "key \(key), invoked \(operation.key)"))
            }
            guard event.time >= operation.callTime else {
                throw HistoryFormatError(line: lineNumber, reason: .completionBeforeInvocation(process: event.process))
            }
            if outcome == .ok {
                do {
                    operation.output = try OperationOutput(function: operation.function, value: value)
                } catch {
                    throw HistoryFormatError(line: lineNumber, reason: .invalidValue(operation.function, error.detail))
                }
            }
            operation.outcome = outcome
            operation.completionTime = event.time
            operations[invocation.index] = operation
        }
        self.init(operations: operations)
    }

    /// Reads a history file.
    ///
    /// - Parameter url: a JSON-lines history file.
    /// - Throws: the file system's error if it cannot be read, `HistoryFormatError` if it is malformed.
    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        try self.init(jsonLines: String(decoding: data, as: UTF8.self))
    }

    /// The history in the JSON-lines format, one event per line in time order, every line
    /// ending with a newline. Events at the same time are ordered by process.
    ///
    /// - Throws: `HistoryFormatError` if a number is not finite or a process's operations overlap.
    public func jsonLines() throws(HistoryFormatError) -> String {
        struct Line {
            var time: Int64
            var process: Int
            var text: String
        }
        // Each process's events are already in order; merging by (time, process) keeps that order.
        var perProcess: [Int: [Line]] = [:]
        let byProcess = Dictionary(grouping: operations, by: \.process)
        for (process, ops) in byProcess {
            var lines: [Line] = []
            var free: Int64 = .min
            var stillOpen = false
            for operation in ops {
                if stillOpen || operation.callTime < free {
                    throw HistoryFormatError(line: nil, reason: .overlappingOperations(process: process))
                }
                let inputValue = operation.input.historyValue
                guard inputValue.isFinite else { throw HistoryFormatError(line: nil, reason: .nonFiniteNumber) }
                lines.append(
                    Line(
                        time: operation.callTime, process: process,
                        text: Self.line(operation, type: "invoke", value: inputValue, time: operation.callTime)))
                if let completion = operation.completionTime {
                    let outputValue = operation.output?.historyValue ?? .null
                    guard outputValue.isFinite else { throw HistoryFormatError(line: nil, reason: .nonFiniteNumber) }
                    lines.append(
                        Line(
                            time: completion, process: process,
                            text: Self.line(operation, type: operation.outcome.rawValue, value: outputValue, time: completion)))
                    free = completion
                } else {
                    stillOpen = true
                }
            }
            perProcess[process] = lines
        }
        var merged: [Line] = []
        var cursors = perProcess.mapValues { _ in 0 }
        let processes = perProcess.keys.sorted()
        while true {
            var best: (process: Int, line: Line)?
            for process in processes {
                guard let cursor = cursors[process], let lines = perProcess[process], cursor < lines.count else { continue }
                let candidate = lines[cursor]
                if best == nil || candidate.time < best!.line.time { best = (process, candidate) }
            }
            guard let chosen = best else { break }
            merged.append(chosen.line)
            cursors[chosen.process]! += 1
        }
        return merged.map { $0.text + "\n" }.joined()
    }

    /// Writes the history to a file, replacing it.
    ///
    /// - Throws: `HistoryFormatError` as `jsonLines()` does, or the file system's error.
    public func write(to url: URL) throws {
        try Data(jsonLines().utf8).write(to: url, options: .atomic)
    }

    private static func line(_ operation: HistoryOperation, type: String, value: HistoryValue, time: Int64) -> String {
        var text = "{\"process\": \(operation.process), \"type\": \"\(type)\", \"f\": \"\(operation.function.rawValue)\", \"key\": "
        HistoryValue.string(operation.key).write(to: &text)
        text += ", \"value\": "
        value.write(to: &text)
        text += ", \"time\": \(time)}"
        return text
    }

    private static func summary(of error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _):
            return "missing field \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(path.isEmpty ? "line" : "field \"\(path)\""): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        default:
            return String(describing: error)
        }
    }
}
