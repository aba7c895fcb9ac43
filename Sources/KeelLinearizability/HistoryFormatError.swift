/// A history that cannot be read or written, with the line it concerns.
public struct HistoryFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the line is wrong.
    public enum Reason: Hashable, Sendable {
        /// Not a JSON object with the fields of a history event.
        case invalidJSON(String)
        case unknownType(String)
        case unknownFunction(String)
        case missingField(String)
        /// The `value` does not have the shape the function needs.
        case invalidValue(Function, String)
        /// An invocation from a process that still has one outstanding (invoked on `since`).
        case invocationWhileOutstanding(process: Int, since: Int)
        case completionWithoutInvocation(process: Int)
        /// A completion whose `f` or `key` differs from its invocation's.
        case completionMismatch(process: Int, String)
        case completionBeforeInvocation(process: Int)
        /// Writing only: a number that JSON cannot represent.
        case nonFiniteNumber
        /// Writing only: two operations of one process overlap in time.
        case overlappingOperations(process: Int)
    }

    /// The 1-based line number, or `nil` when writing.
    public var line: Int?
    public var reason: Reason

    public init(line: Int?, reason: Reason) {
        self.line = line
        self.reason = reason
    }

    public var description: String {
        let place = line.map { "line \($0)" } ?? "history"
        switch reason {
        case .invalidJSON(let detail): return "\(place): not a history event: \(detail)"
        case .unknownType(let type): return "\(place): unknown type \"\(type)\" (invoke, ok, fail, info)"
        case .unknownFunction(let f): return "\(place): unknown f \"\(f)\""
        case .missingField(let field): return "\(place): missing field \"\(field)\""
        case .invalidValue(let f, let detail): return "\(place): bad value for \(f.rawValue): \(detail)"
        case .invocationWhileOutstanding(let process, let since):
            return "\(place): process \(process) invokes while its invocation on line \(since) is outstanding"
        case .completionWithoutInvocation(let process):
            return "\(place): completion for process \(process), which has nothing outstanding"
        case .completionMismatch(let process, let detail):
            return "\(place): completion for process \(process) does not match its invocation: \(detail)"
        case .completionBeforeInvocation(let process):
            return "\(place): completion for process \(process) has a time before its invocation"
        case .nonFiniteNumber: return "\(place): a score or value is not finite; JSON cannot hold it"
        case .overlappingOperations(let process):
            return "\(place): process \(process) has overlapping operations"
        }
    }
}
