import KeelLinearizability

/// Builds histories that are linearizable by construction: concurrent clients invoke random
/// operations, and each operation takes effect on one reference copy of the data at a random
/// moment between its call and its return, so that moment order is a linearization.
///
/// The reference data here is written independently of the library's models so that a shared
/// mistake does not hide itself.
struct RandomHistoryGenerator {
    /// A register value never written by the generator, so a read of it cannot be explained.
    static let unwrittenRegisterValue = RegisterValue.integer(1_000_000_007)
    /// A member never added by the generator.
    static let unaddedMember = ScoredMember(member: "never-added", score: 1)

    private var random: SplitMix64
    private var nextProcess = 0

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// A history over several keys, each with its own clients, ending with one read per key
    /// after everything else completed.
    ///
    /// - Parameters:
    ///   - keys: the keys and the kind of data each holds.
    ///   - processesPerKey: concurrent clients per key.
    ///   - operationsPerKey: operations per key, not counting the final read.
    ///   - infoRate: share of operations whose outcome is unknown (half of them take effect).
    ///   - failRate: share of operations that fail without taking effect.
    mutating func history(
        keys: [(String, ModelKind)], processesPerKey: Int, operationsPerKey: Int, infoRate: Double = 0.05,
        failRate: Double = 0.03
    ) -> History {
        var operations: [HistoryOperation] = []
        for (key, kind) in keys {
            operations += keyHistory(
                key: key, kind: kind, processes: processesPerKey,
                operations: operationsPerKey, infoRate: infoRate, failRate: failRate)
        }
        return History(operations: operations.sorted { ($0.callTime, $0.process) < ($1.callTime, $1.process) })
    }

    /// The same history with the output of one `ok` read (chosen at random) replaced by one no
    /// execution can produce: a value never written, a count above every increment together,
    /// or a member never added.
    ///
    /// - Returns: the corrupted history and the index of the corrupted operation.
    mutating func corruptingOneRead(of history: History, key: String) -> (History, Int) {
        let reads = history.operations.indices.filter {
            let operation = history.operations[$0]
            return operation.key == key && operation.outcome == .ok && operation.function.isReadOnly
        }
        let index = reads.randomElement(using: &random)!
        var corrupted = history
        var operation = corrupted.operations[index]
        switch operation.output {
        case .value(nil)? where history.operations.contains(where: { $0.key == key && $0.function == .zadd }):
            operation.output = .members([Self.unaddedMember])
        case .value?:
            let increments = history.operations.filter { $0.key == key }.compactMap { operation -> Int64? in
                if case .incr(let delta) = operation.input { return delta }
                return nil
            }
            operation.output = .value(
                increments.isEmpty ? Self.unwrittenRegisterValue : .integer(increments.reduce(0, +) + 1))
        case .members(var members)?:
            members.insert(Self.unaddedMember, at: Int.random(in: 0...members.count, using: &random))
            operation.output = .members(members)
        default:
            preconditionFailure("reads carry a value or members")
        }
        corrupted.operations[index] = operation
        return (corrupted, index)
    }

    private enum ProcessState {
        case idle
        case invoked(operation: Int)
        /// The operation has taken effect (or certainly never will); it completes next.
        case decided(operation: Int)
    }

    private mutating func keyHistory(
        key: String, kind: ModelKind, processes: Int, operations total: Int, infoRate: Double, failRate: Double
    ) -> [HistoryOperation] {
        var reference = ReferenceData()
        var processIDs = (0..<processes).map { _ in newProcess() }
        var operations: [HistoryOperation] = []
        var states = [ProcessState](repeating: .idle, count: processes)
        var time: Int64 = 0
        var started = 0
        while started < total || states.contains(where: { if case .idle = $0 { false } else { true } }) {
            // Every event gets its own instant, so that real-time order is never ambiguous.
            time += Int64.random(in: 1...20, using: &random)
            let process = Int.random(in: 0..<processes, using: &random)
            switch states[process] {
            case .idle:
                guard started < total else { continue }
                started += 1
                operations.append(
                    HistoryOperation(
                        process: processIDs[process], key: key, input: randomInput(kind), outcome: .info,
                        callTime: time, completionTime: nil))
                states[process] = .invoked(operation: operations.count - 1)
            case .invoked(let index):
                let roll = Double.random(in: 0..<1, using: &random)
                if roll < failRate {
                    operations[index].outcome = .fail
                } else if roll < failRate + infoRate {
                    if Bool.random(using: &random) { _ = reference.apply(operations[index].input) }
                    operations[index].outcome = .info
                } else {
                    var output = reference.apply(operations[index].input)
                    // Clients do not always report what a write returned.
                    if !operations[index].function.isReadOnly, Int.random(in: 0..<4, using: &random) == 0 {
                        output = .unreported
                    }
                    operations[index].outcome = .ok
                    operations[index].output = output
                }
                states[process] = .decided(operation: index)
            case .decided(let index):
                // An info operation sometimes never completes before the history ends.
                // A client that never heard back is retired, as its process never invokes again.
                if operations[index].outcome != .info || Bool.random(using: &random) {
                    operations[index].completionTime = time
                } else {
                    processIDs[process] = newProcess()
                }
                states[process] = .idle
            }
        }
        time += 1
        let finalInput: OperationInput = kind == .sortedSet && Bool.random(using: &random) ? .zrange(.all) : .read
        operations.append(
            HistoryOperation(
                process: newProcess(), key: key, input: finalInput, output: reference.apply(finalInput), outcome: .ok,
                callTime: time, completionTime: time + 1))
        return operations
    }

    private mutating func newProcess() -> Int {
        defer { nextProcess += 1 }
        return nextProcess
    }

    private mutating func randomInput(_ kind: ModelKind) -> OperationInput {
        let roll = Int.random(in: 0..<10, using: &random)
        switch kind {
        case .register:
            let value = RegisterValue.integer(Int64.random(in: 0..<8, using: &random))
            switch roll {
            case 0..<4: return .read
            case 4..<7: return .write(value)
            default:
                let expected = Int.random(in: 0..<5, using: &random) == 0 ? nil : RegisterValue.integer(Int64.random(in: 0..<8, using: &random))
                return .cas(expected: expected, new: value)
            }
        case .counter:
            return roll < 4 ? .read : .incr(delta: Int64.random(in: 1...5, using: &random))
        case .sortedSet:
            let member = "m\(Int.random(in: 0..<6, using: &random))"
            switch roll {
            case 0..<2: return .read
            case 2: return .zrange(.all)
            case 3:
                return .zrange(
                    .page(offset: Int.random(in: 0..<3, using: &random), limit: Int.random(in: 0..<4, using: &random),
                          descending: Bool.random(using: &random)))
            case 4..<8: return .zadd(member: member, score: Double(Int.random(in: -5..<5, using: &random)))
            default: return .zrem(member: member)
            }
        case .entrySet:
            let member = "m\(Int.random(in: 0..<4, using: &random))"
            let score = Double(Int.random(in: 0..<3, using: &random))
            switch roll {
            case 0..<2: return .read
            case 2: return .zrange(.all)
            case 3: return .zrange(.page(offset: Int.random(in: 0..<3, using: &random), limit: Int.random(in: 0..<4, using: &random), descending: Bool.random(using: &random)))
            case 4..<8: return .eadd(member: member, score: score)
            default: return .erem(member: member, score: score)
            }
        }
    }
}

/// The data a key holds, with the semantics documented in docs/testing.md.
private struct ReferenceData {
    var register: RegisterValue?
    var counter: Int64?
    var members: [String: Double] = [:]
    /// An entry-keyed set's entries.
    var entries: Set<ScoredMember> = []

    /// Performs one operation and returns what a client would see.
    mutating func apply(_ input: OperationInput) -> OperationOutput {
        switch input {
        case .read:
            if !members.isEmpty { return .members(sortedMembers) }
            if !entries.isEmpty { return .members(sortedEntries) }
            return .value(register ?? counter.map(RegisterValue.integer))
        case .write(let value):
            register = value
            return .unreported
        case .cas(let expected, let new):
            guard register == expected else { return .flag(false) }
            register = new
            return .flag(true)
        case .incr(let delta):
            counter = (counter ?? 0) + delta
            return .value(.integer(counter!))
        case .zadd(let member, let score):
            let isNew = members[member] == nil
            members[member] = score
            return .flag(isNew)
        case .zrem(let member):
            return .flag(members.removeValue(forKey: member) != nil)
        case .eadd(let member, let score):
            return .flag(entries.insert(ScoredMember(member: member, score: score)).inserted)
        case .erem(let member, let score):
            return .flag(entries.remove(ScoredMember(member: member, score: score)) != nil)
        case .zrange(.all):
            return .members(entries.isEmpty ? sortedMembers : sortedEntries)
        case .zrange(.page(let offset, let limit, let descending)):
            let all = entries.isEmpty ? sortedMembers : sortedEntries
            let ordered = descending ? all.reversed() : all
            return .members(Array(ordered.dropFirst(offset).prefix(limit)))
        }
    }

    private var sortedEntries: [ScoredMember] {
        entries.sorted { $0.score != $1.score ? $0.score < $1.score : Array($0.member.utf8).lexicographicallyPrecedes(Array($1.member.utf8)) }
    }

    private var sortedMembers: [ScoredMember] {
        members.map { ScoredMember(member: $0.key, score: $0.value) }
            .sorted { $0.score != $1.score ? $0.score < $1.score : Array($0.member.utf8).lexicographicallyPrecedes(Array($1.member.utf8)) }
    }
}
