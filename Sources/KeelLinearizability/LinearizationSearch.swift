/// Wing & Gong's search for a linearization of one key's operations, with Lowe's
/// improvements: configurations (set of linearized operations, model state) already explored
/// are remembered and not explored again, and only operations invoked before the earliest
/// pending return are tried ("just-in-time" linearization).
///
/// Events sit in a doubly linked list in time order. Linearizing an operation lifts its call
/// and return out of the list; backtracking puts them back (dancing links), so every step is
/// constant time apart from the model and the cache.
struct LinearizationSearch<M: Model> {
    enum Outcome: Equatable {
        case linearizable
        case notLinearizable
        /// The step budget or the deadline ran out first.
        case exhausted
    }

    private struct Configuration: Hashable {
        var linearized: Bitset
        var state: M.State
    }

    let model: M
    /// `ok` and `info` operations only; `info` ones have no return event.
    let operations: [HistoryOperation]

    /// Runs the search.
    ///
    /// - Parameters:
    ///   - maxSteps: attempts to linearize or undo an operation before giving up.
    ///   - maxConfigurations: configurations to remember before giving up (bounds memory).
    ///   - deadline: the moment to give up, if any.
    /// - Returns: the verdict and the steps taken.
    func run(
        maxSteps: Int, maxConfigurations: Int, deadline: ContinuousClock.Instant?, unknownRunLimit: Int? = nil
    ) -> (outcome: Outcome, steps: Int) {
        // Nodes 0..<eventCount are events; `head` is a sentinel; -1 ends the list.
        var events: [(time: Int64, isReturn: Bool, operation: Int)] = []
        events.reserveCapacity(operations.count * 2)
        for (index, operation) in operations.enumerated() {
            events.append((operation.callTime, false, index))
            if let returnTime = operation.returnTime { events.append((returnTime, true, index)) }
        }
        // Calls sort before returns at the same instant: equal times count as overlapping,
        // the weaker and therefore safe reading of the clock.
        events.sort { lhs, rhs in
            if lhs.time != rhs.time { return lhs.time < rhs.time }
            if lhs.isReturn != rhs.isReturn { return !lhs.isReturn }
            return lhs.operation < rhs.operation
        }
        let eventCount = events.count
        let head = eventCount
        var next = [Int](repeating: -1, count: eventCount + 1)
        var previous = [Int](repeating: -1, count: eventCount + 1)
        var returnNode = [Int](repeating: -1, count: operations.count)
        var node = head
        for (position, event) in events.enumerated() {
            next[node] = position
            previous[position] = node
            node = position
            if event.isReturn { returnNode[event.operation] = position }
        }

        func unlink(_ node: Int) {
            next[previous[node]] = next[node]
            if next[node] >= 0 { previous[next[node]] = previous[node] }
        }
        func relink(_ node: Int) {
            next[previous[node]] = node
            if next[node] >= 0 { previous[next[node]] = node }
        }

        var state = model.initialState
        var linearized = Bitset(capacity: operations.count)
        var seen = Set<Configuration>()
        var stack: [(call: Int, stateBefore: M.State, runBefore: Int)] = []
        // Unknown-outcome operations placed since the last completed one.
        var unknownRun = 0
        var steps = 0
        var iterations = 0
        var remainingReturns = operations.count(where: { $0.returnTime != nil })
        // The operations that may go next are the calls before the first return in the list.
        // Completed ones are tried first, from the earliest call forward. Operations with an
        // unknown outcome are tried only when none of those works, and from the latest call
        // backward: most of them never took effect, one that did usually took effect soon
        // after its call, and placing old ones eagerly sends the search down long wrong branches.
        var tryingUnknown = false
        var entry = next[head]

        // Unknown-outcome operations with the same input are interchangeable once both are
        // invoked: neither has a return to meet, so swapping them in a linearization gives
        // another one. Only one of each input is tried per point; without this, k pending
        // increments of 1 would be placed in 2^k ways instead of k + 1.
        var inputClass = [Int](repeating: -1, count: operations.count)
        var classes: [OperationInput: Int] = [:]
        for (index, operation) in operations.enumerated() where operation.returnTime == nil {
            inputClass[index] = classes[operation.input, default: classes.count]
            classes[operation.input] = inputClass[index]
        }
        var triedInScan = [Int](repeating: -1, count: classes.count)
        var scan = 0

        while remainingReturns > 0 {
            iterations += 1
            if iterations & 0xFFF == 0, let deadline, ContinuousClock.now >= deadline { return (.exhausted, steps) }
            if steps > maxSteps || seen.count > maxConfigurations { return (.exhausted, steps) }

            let scanEnded = tryingUnknown ? entry == head : (entry < 0 || events[entry].isReturn)
            if scanEnded {
                if !tryingUnknown {
                    tryingUnknown = true
                    scan += 1
                    entry = entry < 0 ? head : previous[entry]
                    continue
                }
                // An operation returns before it could be linearized: undo the latest choice.
                steps += 1
                guard let (call, stateBefore, runBefore) = stack.popLast() else { return (.notLinearizable, steps) }
                let operation = events[call].operation
                state = stateBefore
                unknownRun = runBefore
                linearized.remove(operation)
                if returnNode[operation] >= 0 {
                    relink(returnNode[operation])
                    remainingReturns += 1
                }
                relink(call)
                tryingUnknown = returnNode[operation] < 0
                if tryingUnknown {
                    // Resume the backward scan before `call`, with every input from `call`
                    // up to the first return already tried.
                    entry = previous[call]
                    scan += 1
                    var node = call
                    while node >= 0, !events[node].isReturn {
                        let later = events[node].operation
                        if inputClass[later] >= 0 { triedInScan[inputClass[later]] = scan }
                        node = next[node]
                    }
                } else {
                    entry = next[call]
                }
                continue
            }

            let operation = events[entry].operation
            let isUnknown = returnNode[operation] < 0
            let following = tryingUnknown ? previous[entry] : next[entry]
            if isUnknown != tryingUnknown {
                entry = following
                continue
            }
            if isUnknown {
                if triedInScan[inputClass[operation]] == scan || unknownRun == unknownRunLimit {
                    entry = following
                    continue
                }
                triedInScan[inputClass[operation]] = scan
            }
            steps += 1
            let (ok, newState) = model.step(state, operations[operation])
            if ok {
                linearized.insert(operation)
                if seen.insert(Configuration(linearized: linearized, state: newState)).inserted {
                    stack.append((entry, state, unknownRun))
                    state = newState
                    unknownRun = isUnknown ? unknownRun + 1 : 0
                    unlink(entry)
                    if returnNode[operation] >= 0 {
                        unlink(returnNode[operation])
                        remainingReturns -= 1
                    }
                    entry = next[head]
                    tryingUnknown = false
                    continue
                }
                linearized.remove(operation)
            }
            entry = following
        }
        // Every completed operation is placed; the unknown ones left may never have happened.
        return (.linearizable, steps)
    }
}
