import CKeelProto

/// The answer to a ``SortedSetOperation``.
public enum SortedSetResult: Sendable, Hashable {
    /// Any sorted-set write was applied.
    case changes(SortedSetChanges)
    /// The score of the member, `nil` when it is not in the set.
    case score(Double?, appliedIndex: UInt64)
    /// The number of members of the set (0 when it does not exist).
    case count(UInt64, appliedIndex: UInt64)
    /// A page of a range or a merged range.
    case page(SortedSetPage)

    // Scores compare by bit pattern, as for ``SortedSetMember``.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.changes(let left), .changes(let right)):
            return left == right
        case (.score(let left, let leftIndex), .score(let right, let rightIndex)):
            return left?.bitPattern == right?.bitPattern && leftIndex == rightIndex
        case (.count(let left, let leftIndex), .count(let right, let rightIndex)):
            return left == right && leftIndex == rightIndex
        case (.page(let left), .page(let right)):
            return left == right
        default:
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .changes(let changes):
            hasher.combine(changes)
        case .score(let score, let appliedIndex):
            hasher.combine(score?.bitPattern)
            hasher.combine(appliedIndex)
        case .count(let count, let appliedIndex):
            hasher.combine(count)
            hasher.combine(appliedIndex)
        case .page(let page):
            hasher.combine(page)
        }
    }
}

extension SortedSetResult {
    /// Hangs this result into the `result` oneof of `message`.
    func attach(to message: UnsafeMutablePointer<Keel__Response>, in arena: CMessageArena) {
        switch self {
        case .changes(let changes):
            let result = arena.message(keel__sorted_set_write_result__init)
            result.pointee.added = changes.added
            result.pointee.updated = changes.updated
            result.pointee.removed = changes.removed
            result.pointee.applied_index = changes.appliedIndex
            message.pointee.result_case = KEEL__RESPONSE__RESULT_SORTED_SET_WRITE
            message.pointee.sorted_set_write = result
        case .score(let score, let appliedIndex):
            let result = arena.message(keel__sorted_set_score_result__init)
            result.pointee.found = score != nil ? 1 : 0
            result.pointee.score = score ?? 0
            result.pointee.applied_index = appliedIndex
            message.pointee.result_case = KEEL__RESPONSE__RESULT_SORTED_SET_SCORE
            message.pointee.sorted_set_score = result
        case .count(let count, let appliedIndex):
            let result = arena.message(keel__sorted_set_count_result__init)
            result.pointee.count = count
            result.pointee.applied_index = appliedIndex
            message.pointee.result_case = KEEL__RESPONSE__RESULT_SORTED_SET_COUNT
            message.pointee.sorted_set_count = result
        case .page(let page):
            let result = arena.message(keel__sorted_set_range_result__init)
            result.pointee.n_members = page.members.count
            let members = page.members
            result.pointee.members = arena.array(count: members.count) { Optional(members[$0].cMessage(in: arena)) }
            result.pointee.next_cursor = page.nextCursor?.cMessage(in: arena)
            result.pointee.applied_index = page.appliedIndex
            message.pointee.result_case = KEEL__RESPONSE__RESULT_SORTED_SET_RANGE
            message.pointee.sorted_set_range = result
        }
    }

    /// The sorted-set result in `message`, or `nil` when its result is not a sorted-set one.
    static func decode(_ message: Keel__Response, reader: CFieldReader) throws(WireDecodingError) -> SortedSetResult? {
        switch message.result_case {
        case KEEL__RESPONSE__RESULT_SORTED_SET_WRITE:
            let result = try reader.present(message.sorted_set_write, field: "sorted_set_write")
            return .changes(
                SortedSetChanges(
                    added: result.added, updated: result.updated, removed: result.removed,
                    appliedIndex: result.applied_index
                )
            )
        case KEEL__RESPONSE__RESULT_SORTED_SET_SCORE:
            let result = try reader.present(message.sorted_set_score, field: "sorted_set_score")
            return .score(result.found != 0 ? result.score : nil, appliedIndex: result.applied_index)
        case KEEL__RESPONSE__RESULT_SORTED_SET_COUNT:
            let result = try reader.present(message.sorted_set_count, field: "sorted_set_count")
            return .count(result.count, appliedIndex: result.applied_index)
        case KEEL__RESPONSE__RESULT_SORTED_SET_RANGE:
            let result = try reader.present(message.sorted_set_range, field: "sorted_set_range")
            let members = try reader.messages(result.members, count: result.n_members, field: "sorted_set_range.members") {
                member throws(WireDecodingError) -> SortedSetMember in
                SortedSetMember(member, reader: reader)
            }
            return .page(
                SortedSetPage(
                    members: members,
                    nextCursor: result.next_cursor.map { SortedSetCursor($0.pointee, reader: reader) },
                    appliedIndex: result.applied_index
                )
            )
        default:
            return nil
        }
    }
}
