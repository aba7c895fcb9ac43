import KeelStore
import KeelWire
import NIOCore

// Sorted-set requests: writes become KeelStore commands proposed with the request's session,
// reads are served like key-value reads (stale at once, otherwise after a ReadIndex round).
extension RequestExecutor {
    /// Executes a sorted-set request; `completion` runs once, on any thread.
    func executeSortedSet(
        _ operation: SortedSetOperation,
        request: ClientRequest,
        replyLoop: (any EventLoop)? = nil,
        committed: (@Sendable (UInt64) -> Void)? = nil,
        completion: @escaping @Sendable (ClientResult) -> Void
    ) {
        guard let consistency = operation.consistency else {
            proposeSortedSet(
                Self.command(for: operation), request: request, replyLoop: replyLoop, committed: committed, completion: completion
            )
            return
        }
        if consistency == .stale {
            completion(querySortedSet(operation))
            return
        }
        readLinearizably(Self.footprint(of: operation), completion: completion) { [self] in
            self.querySortedSet(operation)
        }
    }

    private func proposeSortedSet(
        _ command: Command, request: ClientRequest, replyLoop: (any EventLoop)?,
        committed: (@Sendable (UInt64) -> Void)?, completion: @escaping @Sendable (ClientResult) -> Void
    ) {
        // Checked here as well as when applied, so that invalid input never takes a log entry;
        // the answer is the same either way.
        do {
            try command.validate()
        } catch {
            completion(.error(Self.errorReply(for: error)))
            return
        }
        let proposal = WriteProposal(
            clientID: request.session?.clientID ?? 0, sequence: request.session?.sequence ?? 0, command: command,
            replyLoop: replyLoop, onCommit: committed
        ) { outcome in
            switch outcome {
            case .failed(let error):
                completion(.error(error))
            case .applied(let index, .sortedSet(let added, let updated, let removed)):
                completion(.sortedSet(.changes(SortedSetChanges(added: added, updated: updated, removed: removed, appliedIndex: index))))
            case .applied(_, .failed(let error)):
                completion(.error(Self.errorReply(for: error)))
            case .applied(_, let result):
                completion(.error(ErrorReply(code: .internal, message: "a sorted-set command produced \(result)")))
            }
        }
        if !inbox.post(.propose(proposal)) {
            completion(.error(Self.shuttingDown))
        }
    }

    /// The store command of a sorted-set write.
    static func command(for operation: SortedSetOperation) -> Command {
        switch operation {
        case .add(let set, let members, let mode, let maxLength):
            return .add(set: set, members: members.map(\.storeValue), mode: mode.storeValue, maxLength: maxLength)
        case .addToMany(let sets, let member, let score, let mode, let maxLength):
            return .addToMany(sets: sets, member: member, score: score, mode: mode.storeValue, maxLength: maxLength)
        case .remove(let set, let members):
            return .remove(set: set, members: members)
        case .removeFromMany(let sets, let member):
            return .removeFromMany(sets: sets, member: member)
        case .delete(let set):
            return .deleteSet(set: set)
        case .trim(let set, let maxLength):
            return .trim(set: set, maxLength: maxLength)
        case .removeByScore(let set, let minimum, let maximum):
            return .removeByScoreRange(set: set, minimum: minimum, maximum: maximum)
        case .addEntries(let set, let entries, let maxLength):
            return .addEntries(set: set, entries: entries.map(\.storeValue), maxLength: maxLength)
        case .addEntryToMany(let sets, let entry, let maxLength):
            return .addEntryToMany(sets: sets, entry: entry.storeValue, maxLength: maxLength)
        case .removeEntries(let set, let entries):
            return .removeEntries(set: set, entries: entries.map(\.storeValue))
        case .removeEntryFromMany(let sets, let entry):
            return .removeEntryFromMany(sets: sets, entry: entry.storeValue)
        case .score, .count, .range, .mergedRange:
            preconditionFailure("\(operation) is a read")
        }
    }

    /// The sets a sorted-set read looks at.
    static func footprint(of read: SortedSetOperation) -> DataFootprint {
        switch read {
        case .score(let set, _, _), .count(let set, _), .range(let set, _, _, _, _): .items([.sortedSet(set)])
        case .mergedRange(let sets, _, _, _, _): .items(Set(sets.map(DataItem.sortedSet)))
        case .add, .addToMany, .remove, .removeFromMany, .delete, .trim, .removeByScore, .addEntries, .addEntryToMany,
            .removeEntries, .removeEntryFromMany:
            .everything
        }
    }

    /// Serves a sorted-set read from the store's current applied state.
    func querySortedSet(_ operation: SortedSetOperation) -> ClientResult {
        let setLimit: Int
        if case .mergedRange = operation {
            setLimit = StoreLimits.maxMergedSets
        } else {
            setLimit = StoreLimits.maxSetsPerCommand
        }
        do {
            let snapshot = try store.snapshot()
            switch operation {
            case .score(let set, let member, _):
                return .sortedSet(.score(try snapshot.score(of: member, in: set), appliedIndex: snapshot.appliedIndex))
            case .count(let set, _):
                return .sortedSet(.count(try snapshot.count(of: set), appliedIndex: snapshot.appliedIndex))
            case .range(let set, let order, let start, let limit, _):
                let page = try snapshot.range(of: set, order: order.storeValue, from: start.storeValue, limit: Int(limit))
                return .sortedSet(.page(Self.wirePage(page, appliedIndex: snapshot.appliedIndex)))
            case .mergedRange(let sets, let order, let start, let limit, _):
                let page = try snapshot.mergedRange(of: sets, order: order.storeValue, from: start.storeValue, limit: Int(limit))
                return .sortedSet(.page(Self.wirePage(page, appliedIndex: snapshot.appliedIndex)))
            case .add, .addToMany, .remove, .removeFromMany, .delete, .trim, .removeByScore, .addEntries, .addEntryToMany,
                .removeEntries, .removeEntryFromMany:
                return .error(ErrorReply(code: .internal, message: "not a read"))
            }
        } catch let error as StoreError {
            return .error(Self.errorReply(for: error, setLimit: setLimit))
        } catch {
            return .error(ErrorReply(code: .internal, message: "read failed: \(error)"))
        }
    }

    private static func wirePage(_ page: RangePage, appliedIndex: UInt64) -> SortedSetPage {
        SortedSetPage(
            members: page.members.map { SortedSetMember(member: $0.member, score: $0.score) },
            nextCursor: page.nextCursor.map { SortedSetCursor(score: $0.score, member: $0.member) },
            appliedIndex: appliedIndex
        )
    }
}

extension SortedSetMember {
    var storeValue: ScoredMember {
        ScoredMember(member: self.member, score: self.score)
    }
}

extension SortedSetAddMode {
    var storeValue: Command.AddMode {
        switch self {
        case .upsert: .upsert
        case .onlyIfAbsent: .onlyIfAbsent
        case .onlyIfGreater: .onlyIfGreater
        }
    }
}

extension SortedSetOrder {
    var storeValue: RangeOrder {
        switch self {
        case .newestFirst: .newestFirst
        case .oldestFirst: .oldestFirst
        }
    }
}

extension SortedSetRangeStart {
    var storeValue: RangeStart {
        switch self {
        case .beginning: .beginning
        case .after(let cursor): .after(RangeCursor(score: cursor.score, member: cursor.member))
        case .score(let score): .score(score)
        case .offset(let offset): .offset(Int(offset))
        }
    }
}
