/// A sequential specification: what a single copy of the data does, one operation at a time.
///
/// The checker asks whether some order of the operations, consistent with their real-time
/// order, is a run of the model in which every `ok` operation returns what the client saw.
public protocol Model: Sendable {
    /// The data's state. Hashable so that the checker can remember the configurations it has seen.
    associatedtype State: Hashable & Sendable

    /// The state before any operation (every key absent).
    var initialState: State { get }

    /// Applies one operation.
    ///
    /// - Parameters:
    ///   - state: the state before it.
    ///   - operation: an `ok` operation, whose output must be what the model returns, or an
    ///     `info` one, whose output is unknown and only its effect matters.
    /// - Returns: `ok` false when the operation cannot happen in `state` (its output differs,
    ///   or the model does not support it), else the state after it.
    func step(_ state: State, _ operation: HistoryOperation) -> (ok: Bool, newState: State)

    /// A short text for a state, for failure reports.
    func describe(_ state: State) -> String
}
