import Foundation
import KeelClient
import KeelLinearizability

/// One of the run's concurrent clients: its own `KeelClient`, random operations on the shared
/// keys, every one recorded in the history.
///
/// After an operation with an unknown outcome the client continues under a new process id:
/// the old operation may still take effect later, so the same process must not look as if it
/// had only one operation in flight.
struct WorkloadClient {
    /// Members of every sorted set; few, so that adds, removes and ranges collide.
    static let members = ["a", "b", "c", "d", "e"]

    private let index: Int
    private let clientCount: Int
    private let keel: KeelClient
    private let keys: [ChaosKey]
    private let recorder: HistoryRecorder
    private let thinkTime: Duration
    /// Every third client mostly reads. Writers that time out move on to a new leader; a
    /// reader whose reads keep succeeding stays where it is, so it is the one that meets a node
    /// answering reads it should have refused.
    private let readsMostly: Bool
    private var generator: SeededGenerator
    private var process: Int
    private var writtenValues: Int64 = 0
    /// The last value this client saw in each register, so that its compare-and-sets can hit.
    private var lastSeen: [String: Int64] = [:]

    init(index: Int, clientCount: Int, keel: KeelClient, keys: [ChaosKey], recorder: HistoryRecorder, seed: UInt64, thinkTime: Duration) {
        self.index = index
        self.clientCount = clientCount
        self.keel = keel
        self.keys = keys
        self.recorder = recorder
        self.thinkTime = thinkTime
        generator = SeededGenerator(seed: seed, stream: UInt64(index) + 1)
        process = index
        readsMostly = index % 3 == 2
    }

    /// Whether the next operation should be a read, given the writers' share of reads (in tenths).
    private mutating func nextIsRead(tenths: Int) -> Bool {
        Int.random(in: 0..<10, using: &generator) < (readsMostly ? 9 : tenths)
    }

    /// Performs operations until `deadline`.
    mutating func run(until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline, !Task.isCancelled {
            let longest = Int64((thinkTime / .nanoseconds(1)).rounded())
            if longest > 0 {
                try? await Task.sleep(for: .nanoseconds(Int64.random(in: 0...longest, using: &generator)))
            }
            let key = keys.randomElement(using: &generator)!
            switch key.model {
            case .register: await registerOperation(key)
            case .counter: await counterOperation(key)
            case .sortedSet: await sortedSetOperation(key)
            case .entrySet: await entrySetOperation(key)
            }
        }
    }

    // MARK: Operations

    private mutating func registerOperation(_ key: ChaosKey) async {
        if nextIsRead(tenths: 4) {
            let seen: HistoryValue? = await perform(.read, key, .null) { keel in
                let value = try await keel.get(key.bytes).map(Self.registerValue) ?? .null
                return (value, value)
            }
            if case .integer(let value)? = seen { lastSeen[key.name] = value }
        } else if Bool.random(using: &generator) {
            let value = nextValue()
            let written: Void? = await perform(.write, key, .integer(value)) { keel in
                try await keel.put(key.bytes, value: Array(String(value).utf8))
                return ((), .null)
            }
            if written != nil { lastSeen[key.name] = value }
        } else {
            let expected: Int64? = Bool.random(using: &generator) ? lastSeen[key.name] : nil
            let value = nextValue()
            let input = HistoryValue.array([expected.map(HistoryValue.integer) ?? .null, .integer(value)])
            // Half of them go as a batch of one, the batch's compare-and-set path.
            let inBatch = Bool.random(using: &generator)
            let swapped: Bool? = await perform(.cas, key, input) { keel in
                let condition: CompareAndSetExpectation = expected.map { .value(Array(String($0).utf8)) } ?? .absent
                let replacement = CompareAndSetReplacement.value(Array(String(value).utf8))
                do {
                    if inBatch {
                        try await keel.batch([.compareAndSet(key: key.bytes, expected: condition, replacement: replacement)])
                    } else {
                        try await keel.compareAndSet(key.bytes, expected: condition, replacement: replacement)
                    }
                    return (true, .bool(true))
                } catch KeelError.conditionFailed {
                    // Evaluated and refused: a definite answer the checker uses.
                    return (false, .bool(false))
                }
            }
            if swapped == true { lastSeen[key.name] = value }
        }
    }

    private mutating func counterOperation(_ key: ChaosKey) async {
        if !nextIsRead(tenths: 4) {
            // Always +1, so that increments with unknown outcomes are interchangeable for the checker.
            // Half of them go as a batch of one, the batch's increment path.
            let inBatch = Bool.random(using: &generator)
            let _: Void? = await perform(.incr, key, .integer(1)) { keel in
                if inBatch {
                    let result = try await keel.batch([.increment(key: key.bytes, delta: 1)])
                    guard result.incrementValues.count == 1 else {
                        throw KeelError.unexpectedResponse("a batch of one increment answered \(result.incrementValues.count) values")
                    }
                    return ((), .integer(result.incrementValues[0]))
                }
                let value = try await keel.increment(key.bytes, by: 1)
                return ((), .integer(value))
            }
        } else {
            let _: Void? = await perform(.read, key, .null) { keel in
                let bytes = try await keel.get(key.bytes)
                guard let bytes else { return ((), .null) }
                guard let value = KeelClient.counterValue(bytes) else {
                    throw KeelError.unexpectedResponse("counter \(key.name) holds \(bytes.count) bytes")
                }
                return ((), .integer(value))
            }
        }
    }

    private mutating func sortedSetOperation(_ key: ChaosKey) async {
        let roll = nextIsRead(tenths: 4) ? Int.random(in: 12..<20, using: &generator) : Int.random(in: 0..<12, using: &generator)
        let member = Self.members.randomElement(using: &generator)!
        if roll < 8 {
            let score = Double(Int.random(in: 0..<50, using: &generator))
            let _: Void? = await perform(.zadd, key, .array([.string(member), .number(score)])) { keel in
                let changes = try await keel.zadd(key.bytes, member: Array(member.utf8), score: score)
                return ((), .bool(changes.added > 0))
            }
        } else if roll < 12 {
            let _: Void? = await perform(.zrem, key, .string(member)) { keel in
                let changes = try await keel.zrem(key.bytes, members: [Array(member.utf8)])
                return ((), .bool(changes.removed > 0))
            }
        } else if roll < 17 {
            let _: Void? = await perform(.zrange, key, .null) { keel in
                let page = try await keel.zrange(key.bytes, order: .oldestFirst, limit: 10_000)
                return ((), Self.members(of: page))
            }
        } else {
            let descending = Bool.random(using: &generator)
            var input: [HistoryValue] = [.integer(0), .integer(2)]
            if descending { input.append(.string("desc")) }
            let _: Void? = await perform(.zrange, key, .array(input)) { keel in
                let page = try await keel.zrange(key.bytes, order: descending ? .newestFirst : .oldestFirst, limit: 2)
                return ((), Self.members(of: page))
            }
        }
    }

    /// Entry-keyed sets: few members and few scores, so that adds meet entries already there
    /// and removals find what they name.
    private mutating func entrySetOperation(_ key: ChaosKey) async {
        let member = Self.members.randomElement(using: &generator)!
        let score = Double(Int.random(in: 0..<4, using: &generator))
        if nextIsRead(tenths: 4) {
            let _: Void? = await perform(.zrange, key, .null) { keel in
                let page = try await keel.zrange(key.bytes, order: .oldestFirst, limit: 10_000)
                return ((), Self.members(of: page))
            }
        } else if Int.random(in: 0..<3, using: &generator) < 2 {
            if Bool.random(using: &generator) {
                let _: Void? = await perform(.eadd, key, .array([.string(member), .number(score)])) { keel in
                    let changes = try await keel.zaddEntries(key.bytes, [SortedSetMember(member: Array(member.utf8), score: score)])
                    return ((), .bool(changes.added > 0))
                }
            } else {
                // Acknowledged at its commit, before any node applied it: completes `ok` then,
                // with no flag (the apply reports that later), so the checker holds the cluster
                // to the promise that a committed write is there for every later read.
                let _: Void? = await perform(.eadd, key, .array([.string(member), .number(score)])) { keel in
                    _ = try await keel.zaddEntryToManyCommitted([key.bytes], member: Array(member.utf8), score: score)
                    return ((), .null)
                }
            }
        } else {
            let _: Void? = await perform(.erem, key, .array([.string(member), .number(score)])) { keel in
                let changes = try await keel.zremEntries(key.bytes, [SortedSetMember(member: Array(member.utf8), score: score)])
                return ((), .bool(changes.removed > 0))
            }
        }
    }

    // MARK: Recording

    /// Invokes, runs and completes one operation in the history.
    /// - Returns: what `body` returned for an `ok` operation, else nil.
    private mutating func perform<Result>(
        _ function: Function, _ key: ChaosKey, _ input: HistoryValue,
        _ body: (KeelClient) async throws -> (Result, HistoryValue)
    ) async -> Result? {
        recorder.invoke(process: process, function: function, key: key.name, value: input)
        do {
            let (result, output) = try await body(keel)
            recorder.complete(process: process, outcome: .ok, function: function, key: key.name, value: output)
            return result
        } catch let error as KeelError where !error.outcomeIsUnknown {
            recorder.complete(process: process, outcome: .fail, function: function, key: key.name, value: .null, error: Self.brief(error))
        } catch {
            recorder.complete(process: process, outcome: .info, function: function, key: key.name, value: .null, error: Self.brief(error))
            process += clientCount
        }
        return nil
    }

    private mutating func nextValue() -> Int64 {
        writtenValues += 1
        return Int64(index + 1) * 1_000_000_000 + writtenValues
    }

    /// A register's bytes in the history: the integer the clients wrote, or the text found if it
    /// is not one (which the checker will then reject, as no client wrote it).
    static func registerValue(_ bytes: [UInt8]) -> HistoryValue {
        let text = String(decoding: bytes, as: UTF8.self)
        return Int64(text).map(HistoryValue.integer) ?? .string(text)
    }

    static func members(of page: SortedSetPage) -> HistoryValue {
        .array(page.members.map { .array([.string(String(decoding: $0.member, as: UTF8.self)), .number($0.score)]) })
    }

    /// The error's case and the start of its text: enough to see why, short enough for a history line.
    static func brief(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 160 ? String(text.prefix(160)) + "..." : text
    }
}
