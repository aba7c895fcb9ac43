/// Checks histories for linearizability, one key at a time.
///
/// Keys are independent objects, and a history is linearizable exactly when the operations
/// on each key are (linearizability is local: Herlihy & Wing, 1990), so each key is searched
/// on its own, which keeps the search small. `fail` operations are dropped; `info`
/// operations may be linearized anywhere after their call, or not at all.
public struct LinearizabilityChecker: Sendable {
    public var limits: CheckLimits
    /// Models for particular keys; other keys get `ModelKind.infer(from:)`.
    public var models: [String: ModelKind]

    /// - Parameters:
    ///   - limits: work allowed per key.
    ///   - models: the model of particular keys, when inference is not wanted.
    public init(limits: CheckLimits = CheckLimits(), models: [String: ModelKind] = [:]) {
        self.limits = limits
        self.models = models
    }

    /// Checks every key, one after another.
    ///
    /// - Throws: `CheckError.mixedModels` if a key's model cannot be inferred.
    public func check(_ history: History) throws(CheckError) -> CheckReport {
        let partitions = try partitions(of: history)
        return CheckReport(partitions: partitions.map { check(key: $0.key, operations: $0.operations, model: $0.model) })
    }

    /// Checks the keys concurrently, one task per key.
    ///
    /// - Throws: `CheckError.mixedModels` if a key's model cannot be inferred.
    public func checkConcurrently(_ history: History) async throws(CheckError) -> CheckReport {
        let partitions = try partitions(of: history)
        let reports = await withTaskGroup(of: PartitionReport.self) { group in
            for partition in partitions {
                group.addTask { check(key: partition.key, operations: partition.operations, model: partition.model) }
            }
            var reports: [PartitionReport] = []
            for await report in group { reports.append(report) }
            return reports
        }
        return CheckReport(partitions: reports.sorted { $0.key < $1.key })
    }

    /// Checks the operations on one key against one model.
    ///
    /// - Parameters:
    ///   - key: the key, for the report.
    ///   - operations: every operation on that key, any outcome.
    ///   - model: the model to check against.
    public func check(key: String, operations: [HistoryOperation], model: ModelKind) -> PartitionReport {
        switch model {
        case .register: check(key: key, operations: operations, kind: model, model: RegisterModel())
        case .counter: check(key: key, operations: operations, kind: model, model: CounterModel())
        case .sortedSet: check(key: key, operations: operations, kind: model, model: SortedSetModel())
        case .entrySet: check(key: key, operations: operations, kind: model, model: EntrySetModel())
        }
    }

    private func partitions(of history: History) throws(CheckError) -> [(key: String, operations: [HistoryOperation], model: ModelKind)] {
        var result: [(key: String, operations: [HistoryOperation], model: ModelKind)] = []
        for (key, operations) in history.operationsByKey.sorted(by: { $0.key < $1.key }) {
            guard let model = models[key] ?? ModelKind.infer(from: operations) else { throw .mixedModels(key: key) }
            result.append((key, operations, model))
        }
        return result
    }

    private func check<M: Model>(key: String, operations: [HistoryOperation], kind: ModelKind, model: M) -> PartitionReport {
        let deadline = limits.timeLimit.map { ContinuousClock.now + $0 }
        let candidates = operations.filter(Self.constrains)
        let (outcome, steps) = search(model, candidates, deadline: deadline)
        var report = PartitionReport(key: key, model: kind, operationCount: candidates.count, verdict: .linearizable, steps: steps)
        switch outcome {
        case .linearizable:
            break
        case .exhausted:
            report.verdict = .unknown(reason: exhaustionReason)
        case .notLinearizable:
            let (window, windowSteps) = failureWindow(
                key: key, kind: kind, model: model, candidates: candidates, all: operations, deadline: deadline)
            report.steps += windowSteps
            report.verdict = .notLinearizable(window)
        }
        return report
    }

    /// Searches first with at most one unknown-outcome operation between two completed ones,
    /// which finds most linearizations quickly, and only if that fails without limit.
    private func search<M: Model>(
        _ model: M, _ operations: [HistoryOperation], deadline: ContinuousClock.Instant?
    ) -> (LinearizationSearch<M>.Outcome, steps: Int) {
        let search = LinearizationSearch(model: model, operations: operations)
        let configurations = maxConfigurations(model, operations: operations.count)
        let (fastOutcome, fastSteps) = search.run(
            maxSteps: limits.maxSteps, maxConfigurations: configurations, deadline: deadline, unknownRunLimit: 1)
        guard fastOutcome != .linearizable else { return (fastOutcome, fastSteps) }
        let (outcome, steps) = search.run(maxSteps: limits.maxSteps, maxConfigurations: configurations, deadline: deadline)
        return (outcome, fastSteps + steps)
    }

    /// Whether an operation can constrain a linearization: failed ones never happened, and a
    /// read with an unknown outcome observed nothing anyone saw.
    private static func constrains(_ operation: HistoryOperation) -> Bool {
        switch operation.outcome {
        case .ok: true
        case .fail: false
        case .info: !operation.function.isReadOnly
        }
    }

    private var exhaustionReason: String {
        "a budget ran out: \(limits.maxSteps) steps per search, \(limits.memoryBudget >> 20) MiB"
            + (limits.timeLimit.map { ", \($0) per key" } ?? "")
    }

    /// How many configurations fit in the memory budget: each holds a bit per operation and
    /// a state, plus the set's own overhead, estimated at two words.
    private func maxConfigurations<M: Model>(_ model: M, operations: Int) -> Int {
        let bytes = (operations + 63) / 64 * 8 + MemoryLayout<M.State>.stride + 48
        return max(1, limits.memoryBudget / bytes)
    }

    /// Finds the first return time at which the history cut there stops being linearizable
    /// (see `FailureWindow`) by binary search, which is sound because cutting later only adds
    /// constraints.
    private func failureWindow<M: Model>(
        key: String, kind: ModelKind, model: M, candidates: [HistoryOperation], all: [HistoryOperation],
        deadline: ContinuousClock.Instant?
    ) -> (FailureWindow, steps: Int) {
        let returnTimes = Array(Set(candidates.compactMap(\.returnTime))).sorted()
        var steps = 0
        var approximate = false
        var low = 0
        var high = returnTimes.count - 1
        while low < high {
            let middle = (low + high) / 2
            let (outcome, spent) = search(model, Self.cut(candidates, at: returnTimes[middle]), deadline: deadline)
            steps += spent
            if outcome == .linearizable {
                low = middle + 1
            } else {
                if outcome == .exhausted { approximate = true }
                high = middle
            }
        }
        let cutTime = returnTimes[low]
        let failing = candidates.first { $0.returnTime == cutTime }!
        let failingReturn = cutTime
        let others = all.filter { $0.outcome != .fail && $0 != failing }
        let concurrent = others.filter { operation in
            operation.callTime <= failingReturn && (operation.returnTime.map { $0 >= failing.callTime } ?? true)
        }
        let preceding = others
            .filter { ($0.returnTime ?? .max) < failing.callTime }
            .sorted { ($0.returnTime!, $0.callTime) < ($1.returnTime!, $1.callTime) }
            .suffix(limits.precedingOperations)
        let window = FailureWindow(
            key: key, model: kind, failing: failing, concurrent: concurrent.sorted { $0.callTime < $1.callTime },
            preceding: Array(preceding),
            linearizableCompletions: candidates.filter { ($0.returnTime ?? .max) < cutTime }.count,
            isApproximate: approximate)
        return (window, steps)
    }

    /// The history cut at `time`: operations that returned by then must be placed, ones still
    /// running are pending (unknown outcome), later ones are left out.
    private static func cut(_ operations: [HistoryOperation], at time: Int64) -> [HistoryOperation] {
        operations.compactMap { operation in
            guard operation.callTime <= time else { return nil }
            if let returnTime = operation.returnTime, returnTime <= time { return operation }
            guard !operation.function.isReadOnly else { return nil }
            var pending = operation
            pending.outcome = .info
            pending.output = nil
            return pending
        }
    }
}
