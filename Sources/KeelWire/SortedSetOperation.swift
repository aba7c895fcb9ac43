import CKeelProto

/// A sorted-set command or query, sent in a ``ClientRequest`` like the key-value operations.
///
/// Writes go through the log and use the request's ``WriteSession``; reads take a
/// ``Consistency`` like key-value reads. The node checks every argument against its documented
/// limits and answers ``ErrorCode/invalidArgument`` (changing nothing) when one is out of range.
public enum SortedSetOperation: Sendable, Hashable {
    /// Adds or updates `members` of `set` according to `mode`, then trims the set to
    /// `maxLength` members (dropping the lowest scores) when it is given.
    case add(set: [UInt8], members: [SortedSetMember], mode: SortedSetAddMode, maxLength: UInt64?)
    /// The fanout: adds `member` with `score` to every set of `sets`, each then trimmed to
    /// `maxLength` when it is given, as one log entry.
    case addToMany(sets: [[UInt8]], member: [UInt8], score: Double, mode: SortedSetAddMode, maxLength: UInt64?)
    /// Removes `members` from `set`.
    case remove(set: [UInt8], members: [[UInt8]])
    /// Removes `member` from every set of `sets`.
    case removeFromMany(sets: [[UInt8]], member: [UInt8])
    /// Removes a whole set.
    case delete(set: [UInt8])
    /// Keeps only the `maxLength` highest-scored members of `set`.
    case trim(set: [UInt8], maxLength: UInt64)
    /// Removes the members of `set` whose score is in `minimum ... maximum` (inclusive).
    case removeByScore(set: [UInt8], minimum: Double, maximum: Double)
    /// The score of `member` in `set`.
    case score(set: [UInt8], member: [UInt8], consistency: Consistency)
    /// The number of members of `set`.
    case count(set: [UInt8], consistency: Consistency)
    /// One page of `set` in `order` from `start`, at most `limit` members.
    case range(set: [UInt8], order: SortedSetOrder, start: SortedSetRangeStart, limit: UInt32, consistency: Consistency)
    /// One page merged by score across `sets`, each member at most once, at most `limit`
    /// members. A node refuses an offset `start` (offsets are for single sets only).
    case mergedRange(
        sets: [[UInt8]], order: SortedSetOrder, start: SortedSetRangeStart, limit: UInt32, consistency: Consistency
    )
    /// Adds `entries` to the entry-keyed `set` (an entry is its (score, member) pair; the node
    /// keeps no member index), leaving those already there alone, then trims it to
    /// `maxLength` when given.
    case addEntries(set: [UInt8], entries: [SortedSetMember], maxLength: UInt64?)
    /// The entry-keyed fanout: adds `entry` to every set of `sets`, each then trimmed to
    /// `maxLength` when given, as one log entry.
    case addEntryToMany(sets: [[UInt8]], entry: SortedSetMember, maxLength: UInt64?)
    /// Removes `entries` (each by score and member) from the entry-keyed `set`.
    case removeEntries(set: [UInt8], entries: [SortedSetMember])
    /// Removes `entry` from every entry-keyed set of `sets`.
    case removeEntryFromMany(sets: [[UInt8]], entry: SortedSetMember)

    /// Whether the operation changes state (and so goes through the log).
    public var isWrite: Bool {
        self.consistency == nil
    }

    /// How fresh a read must be; `nil` for writes.
    public var consistency: Consistency? {
        switch self {
        case .add, .addToMany, .remove, .removeFromMany, .delete, .trim, .removeByScore, .addEntries, .addEntryToMany,
            .removeEntries, .removeEntryFromMany:
            return nil
        case .score(_, _, let consistency), .count(_, let consistency), .range(_, _, _, _, let consistency),
            .mergedRange(_, _, _, _, let consistency):
            return consistency
        }
    }

    // Scores compare by bit pattern, as for ``SortedSetMember``, so that a NaN sent to test a
    // node's validation survives a round trip as an equal value.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.add(let a1, let a2, let a3, let a4), .add(let b1, let b2, let b3, let b4)):
            return a1 == b1 && a2 == b2 && a3 == b3 && a4 == b4
        case (.addToMany(let a1, let a2, let a3, let a4, let a5), .addToMany(let b1, let b2, let b3, let b4, let b5)):
            return a1 == b1 && a2 == b2 && a3.bitPattern == b3.bitPattern && a4 == b4 && a5 == b5
        case (.remove(let a1, let a2), .remove(let b1, let b2)):
            return a1 == b1 && a2 == b2
        case (.removeFromMany(let a1, let a2), .removeFromMany(let b1, let b2)):
            return a1 == b1 && a2 == b2
        case (.delete(let a1), .delete(let b1)):
            return a1 == b1
        case (.trim(let a1, let a2), .trim(let b1, let b2)):
            return a1 == b1 && a2 == b2
        case (.removeByScore(let a1, let a2, let a3), .removeByScore(let b1, let b2, let b3)):
            return a1 == b1 && a2.bitPattern == b2.bitPattern && a3.bitPattern == b3.bitPattern
        case (.score(let a1, let a2, let a3), .score(let b1, let b2, let b3)):
            return a1 == b1 && a2 == b2 && a3 == b3
        case (.count(let a1, let a2), .count(let b1, let b2)):
            return a1 == b1 && a2 == b2
        case (.range(let a1, let a2, let a3, let a4, let a5), .range(let b1, let b2, let b3, let b4, let b5)):
            return a1 == b1 && a2 == b2 && a3 == b3 && a4 == b4 && a5 == b5
        case (.mergedRange(let a1, let a2, let a3, let a4, let a5), .mergedRange(let b1, let b2, let b3, let b4, let b5)):
            return a1 == b1 && a2 == b2 && a3 == b3 && a4 == b4 && a5 == b5
        case (.addEntries(let a1, let a2, let a3), .addEntries(let b1, let b2, let b3)):
            return a1 == b1 && a2 == b2 && a3 == b3
        case (.addEntryToMany(let a1, let a2, let a3), .addEntryToMany(let b1, let b2, let b3)):
            return a1 == b1 && a2 == b2 && a3 == b3
        case (.removeEntries(let a1, let a2), .removeEntries(let b1, let b2)):
            return a1 == b1 && a2 == b2
        case (.removeEntryFromMany(let a1, let a2), .removeEntryFromMany(let b1, let b2)):
            return a1 == b1 && a2 == b2
        default:
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        // The set (or sets) alone spread values well enough; equal values have equal sets.
        switch self {
        case .add(let set, _, _, _), .remove(let set, _), .delete(let set), .trim(let set, _),
            .removeByScore(let set, _, _), .score(let set, _, _), .count(let set, _), .range(let set, _, _, _, _),
            .addEntries(let set, _, _), .removeEntries(let set, _):
            hasher.combine(set)
        case .addToMany(let sets, _, _, _, _), .removeFromMany(let sets, _), .mergedRange(let sets, _, _, _, _),
            .addEntryToMany(let sets, _, _), .removeEntryFromMany(let sets, _):
            hasher.combine(sets)
        }
    }
}

extension SortedSetOperation {
    /// Hangs this operation into the `op` oneof of `message`.
    func attach(to message: UnsafeMutablePointer<Keel__Request>, in arena: CMessageArena) {
        func sets(_ sets: [[UInt8]]) -> UnsafeMutablePointer<ProtobufCBinaryData> {
            arena.array(sets.map { arena.binaryData($0) })
        }
        switch self {
        case .add(let set, let members, let mode, let maxLength):
            let request = arena.message(keel__sorted_set_add_request__init)
            request.pointee.set = arena.binaryData(set)
            request.pointee.n_members = members.count
            request.pointee.members = arena.array(members.map { Optional($0.cMessage(in: arena)) })
            request.pointee.mode = mode.cValue
            if let maxLength {
                request.pointee.trim_case = KEEL__SORTED_SET_ADD_REQUEST__TRIM_MAX_LENGTH
                request.pointee.max_length = maxLength
            }
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_ADD
            message.pointee.sorted_set_add = request
        case .addToMany(let targets, let member, let score, let mode, let maxLength):
            let request = arena.message(keel__sorted_set_add_to_many_request__init)
            request.pointee.n_sets = targets.count
            request.pointee.sets = sets(targets)
            request.pointee.member = arena.binaryData(member)
            request.pointee.score = score
            request.pointee.mode = mode.cValue
            if let maxLength {
                request.pointee.trim_case = KEEL__SORTED_SET_ADD_TO_MANY_REQUEST__TRIM_MAX_LENGTH
                request.pointee.max_length = maxLength
            }
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_ADD_TO_MANY
            message.pointee.sorted_set_add_to_many = request
        case .remove(let set, let members):
            let request = arena.message(keel__sorted_set_remove_request__init)
            request.pointee.set = arena.binaryData(set)
            request.pointee.n_members = members.count
            request.pointee.members = sets(members)
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_REMOVE
            message.pointee.sorted_set_remove = request
        case .removeFromMany(let targets, let member):
            let request = arena.message(keel__sorted_set_remove_from_many_request__init)
            request.pointee.n_sets = targets.count
            request.pointee.sets = sets(targets)
            request.pointee.member = arena.binaryData(member)
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_REMOVE_FROM_MANY
            message.pointee.sorted_set_remove_from_many = request
        case .delete(let set):
            let request = arena.message(keel__sorted_set_delete_request__init)
            request.pointee.set = arena.binaryData(set)
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_DELETE
            message.pointee.sorted_set_delete = request
        case .trim(let set, let maxLength):
            let request = arena.message(keel__sorted_set_trim_request__init)
            request.pointee.set = arena.binaryData(set)
            request.pointee.max_length = maxLength
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_TRIM
            message.pointee.sorted_set_trim = request
        case .removeByScore(let set, let minimum, let maximum):
            let request = arena.message(keel__sorted_set_remove_by_score_request__init)
            request.pointee.set = arena.binaryData(set)
            request.pointee.minimum = minimum
            request.pointee.maximum = maximum
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_REMOVE_BY_SCORE
            message.pointee.sorted_set_remove_by_score = request
        case .score(let set, let member, let consistency):
            let request = arena.message(keel__sorted_set_score_request__init)
            request.pointee.set = arena.binaryData(set)
            request.pointee.member = arena.binaryData(member)
            request.pointee.consistency = consistency.cValue
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_SCORE
            message.pointee.sorted_set_score = request
        case .count(let set, let consistency):
            let request = arena.message(keel__sorted_set_count_request__init)
            request.pointee.set = arena.binaryData(set)
            request.pointee.consistency = consistency.cValue
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_COUNT
            message.pointee.sorted_set_count = request
        case .range(let set, let order, let start, let limit, let consistency):
            let request = arena.message(keel__sorted_set_range_request__init)
            request.pointee.set = arena.binaryData(set)
            request.pointee.order = order.cValue
            switch start {
            case .beginning:
                break
            case .after(let cursor):
                request.pointee.start_case = KEEL__SORTED_SET_RANGE_REQUEST__START_AFTER
                request.pointee.after = cursor.cMessage(in: arena)
            case .score(let score):
                request.pointee.start_case = KEEL__SORTED_SET_RANGE_REQUEST__START_SCORE
                request.pointee.score = score
            case .offset(let offset):
                request.pointee.start_case = KEEL__SORTED_SET_RANGE_REQUEST__START_OFFSET
                request.pointee.offset = offset
            }
            request.pointee.limit = limit
            request.pointee.consistency = consistency.cValue
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_RANGE
            message.pointee.sorted_set_range = request
        case .mergedRange(let targets, let order, let start, let limit, let consistency):
            let request = arena.message(keel__sorted_set_merged_range_request__init)
            request.pointee.n_sets = targets.count
            request.pointee.sets = sets(targets)
            request.pointee.order = order.cValue
            switch start {
            case .beginning:
                break
            case .after(let cursor):
                request.pointee.start_case = KEEL__SORTED_SET_MERGED_RANGE_REQUEST__START_AFTER
                request.pointee.after = cursor.cMessage(in: arena)
            case .score(let score):
                request.pointee.start_case = KEEL__SORTED_SET_MERGED_RANGE_REQUEST__START_SCORE
                request.pointee.score = score
            case .offset(let offset):
                // Carried so the node can refuse it with a precise error.
                request.pointee.start_case = KEEL__SORTED_SET_MERGED_RANGE_REQUEST__START_OFFSET
                request.pointee.offset = offset
            }
            request.pointee.limit = limit
            request.pointee.consistency = consistency.cValue
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_MERGED_RANGE
            message.pointee.sorted_set_merged_range = request
        case .addEntries(let set, let entries, let maxLength):
            let request = arena.message(keel__sorted_set_add_entries_request__init)
            request.pointee.set = arena.binaryData(set)
            request.pointee.n_entries = entries.count
            request.pointee.entries = arena.array(entries.map { Optional($0.cMessage(in: arena)) })
            if let maxLength {
                request.pointee.trim_case = KEEL__SORTED_SET_ADD_ENTRIES_REQUEST__TRIM_MAX_LENGTH
                request.pointee.max_length = maxLength
            }
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_ADD_ENTRIES
            message.pointee.sorted_set_add_entries = request
        case .addEntryToMany(let targets, let entry, let maxLength):
            let request = arena.message(keel__sorted_set_add_entry_to_many_request__init)
            request.pointee.n_sets = targets.count
            request.pointee.sets = sets(targets)
            request.pointee.entry = entry.cMessage(in: arena)
            if let maxLength {
                request.pointee.trim_case = KEEL__SORTED_SET_ADD_ENTRY_TO_MANY_REQUEST__TRIM_MAX_LENGTH
                request.pointee.max_length = maxLength
            }
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_ADD_ENTRY_TO_MANY
            message.pointee.sorted_set_add_entry_to_many = request
        case .removeEntries(let set, let entries):
            let request = arena.message(keel__sorted_set_remove_entries_request__init)
            request.pointee.set = arena.binaryData(set)
            request.pointee.n_entries = entries.count
            request.pointee.entries = arena.array(entries.map { Optional($0.cMessage(in: arena)) })
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_REMOVE_ENTRIES
            message.pointee.sorted_set_remove_entries = request
        case .removeEntryFromMany(let targets, let entry):
            let request = arena.message(keel__sorted_set_remove_entry_from_many_request__init)
            request.pointee.n_sets = targets.count
            request.pointee.sets = sets(targets)
            request.pointee.entry = entry.cMessage(in: arena)
            message.pointee.op_case = KEEL__REQUEST__OP_SORTED_SET_REMOVE_ENTRY_FROM_MANY
            message.pointee.sorted_set_remove_entry_from_many = request
        }
    }

    /// The sorted-set operation in `message`, or `nil` when its op is not a sorted-set one.
    static func decode(_ message: Keel__Request, reader: CFieldReader) throws(WireDecodingError) -> SortedSetOperation? {
        func sets(_ pointer: UnsafeMutablePointer<ProtobufCBinaryData>?, count: Int) -> [[UInt8]] {
            reader.scalars(pointer, count: count).map { reader.bytes($0) }
        }
        switch message.op_case {
        case KEEL__REQUEST__OP_SORTED_SET_ADD:
            let request = try reader.present(message.sorted_set_add, field: "sorted_set_add")
            let members = try reader.messages(request.members, count: request.n_members, field: "sorted_set_add.members") {
                member throws(WireDecodingError) -> SortedSetMember in
                SortedSetMember(member, reader: reader)
            }
            return .add(
                set: reader.bytes(request.set),
                members: members,
                mode: try SortedSetAddMode(request.mode, reader: reader, field: "sorted_set_add.mode"),
                maxLength: request.trim_case == KEEL__SORTED_SET_ADD_REQUEST__TRIM_MAX_LENGTH ? request.max_length : nil
            )
        case KEEL__REQUEST__OP_SORTED_SET_ADD_TO_MANY:
            let request = try reader.present(message.sorted_set_add_to_many, field: "sorted_set_add_to_many")
            return .addToMany(
                sets: sets(request.sets, count: request.n_sets),
                member: reader.bytes(request.member),
                score: request.score,
                mode: try SortedSetAddMode(request.mode, reader: reader, field: "sorted_set_add_to_many.mode"),
                maxLength: request.trim_case == KEEL__SORTED_SET_ADD_TO_MANY_REQUEST__TRIM_MAX_LENGTH
                    ? request.max_length : nil
            )
        case KEEL__REQUEST__OP_SORTED_SET_REMOVE:
            let request = try reader.present(message.sorted_set_remove, field: "sorted_set_remove")
            return .remove(set: reader.bytes(request.set), members: sets(request.members, count: request.n_members))
        case KEEL__REQUEST__OP_SORTED_SET_REMOVE_FROM_MANY:
            let request = try reader.present(message.sorted_set_remove_from_many, field: "sorted_set_remove_from_many")
            return .removeFromMany(sets: sets(request.sets, count: request.n_sets), member: reader.bytes(request.member))
        case KEEL__REQUEST__OP_SORTED_SET_DELETE:
            let request = try reader.present(message.sorted_set_delete, field: "sorted_set_delete")
            return .delete(set: reader.bytes(request.set))
        case KEEL__REQUEST__OP_SORTED_SET_TRIM:
            let request = try reader.present(message.sorted_set_trim, field: "sorted_set_trim")
            return .trim(set: reader.bytes(request.set), maxLength: request.max_length)
        case KEEL__REQUEST__OP_SORTED_SET_REMOVE_BY_SCORE:
            let request = try reader.present(message.sorted_set_remove_by_score, field: "sorted_set_remove_by_score")
            return .removeByScore(set: reader.bytes(request.set), minimum: request.minimum, maximum: request.maximum)
        case KEEL__REQUEST__OP_SORTED_SET_SCORE:
            let request = try reader.present(message.sorted_set_score, field: "sorted_set_score")
            return .score(
                set: reader.bytes(request.set),
                member: reader.bytes(request.member),
                consistency: try Consistency(request.consistency, reader: reader, field: "sorted_set_score.consistency")
            )
        case KEEL__REQUEST__OP_SORTED_SET_COUNT:
            let request = try reader.present(message.sorted_set_count, field: "sorted_set_count")
            return .count(
                set: reader.bytes(request.set),
                consistency: try Consistency(request.consistency, reader: reader, field: "sorted_set_count.consistency")
            )
        case KEEL__REQUEST__OP_SORTED_SET_RANGE:
            let request = try reader.present(message.sorted_set_range, field: "sorted_set_range")
            let start: SortedSetRangeStart
            switch request.start_case {
            case KEEL__SORTED_SET_RANGE_REQUEST__START_AFTER:
                start = .after(SortedSetCursor(try reader.present(request.after, field: "sorted_set_range.after"), reader: reader))
            case KEEL__SORTED_SET_RANGE_REQUEST__START_SCORE:
                start = .score(request.score)
            case KEEL__SORTED_SET_RANGE_REQUEST__START_OFFSET:
                start = .offset(request.offset)
            default:
                start = .beginning
            }
            return .range(
                set: reader.bytes(request.set),
                order: try SortedSetOrder(request.order, reader: reader, field: "sorted_set_range.order"),
                start: start,
                limit: request.limit,
                consistency: try Consistency(request.consistency, reader: reader, field: "sorted_set_range.consistency")
            )
        case KEEL__REQUEST__OP_SORTED_SET_MERGED_RANGE:
            let request = try reader.present(message.sorted_set_merged_range, field: "sorted_set_merged_range")
            let start: SortedSetRangeStart
            switch request.start_case {
            case KEEL__SORTED_SET_MERGED_RANGE_REQUEST__START_AFTER:
                start = .after(
                    SortedSetCursor(try reader.present(request.after, field: "sorted_set_merged_range.after"), reader: reader)
                )
            case KEEL__SORTED_SET_MERGED_RANGE_REQUEST__START_SCORE:
                start = .score(request.score)
            case KEEL__SORTED_SET_MERGED_RANGE_REQUEST__START_OFFSET:
                start = .offset(request.offset)
            default:
                start = .beginning
            }
            return .mergedRange(
                sets: sets(request.sets, count: request.n_sets),
                order: try SortedSetOrder(request.order, reader: reader, field: "sorted_set_merged_range.order"),
                start: start,
                limit: request.limit,
                consistency: try Consistency(request.consistency, reader: reader, field: "sorted_set_merged_range.consistency")
            )
        case KEEL__REQUEST__OP_SORTED_SET_ADD_ENTRIES:
            let request = try reader.present(message.sorted_set_add_entries, field: "sorted_set_add_entries")
            let entries = try reader.messages(request.entries, count: request.n_entries, field: "sorted_set_add_entries.entries") {
                entry throws(WireDecodingError) -> SortedSetMember in
                SortedSetMember(entry, reader: reader)
            }
            return .addEntries(
                set: reader.bytes(request.set),
                entries: entries,
                maxLength: request.trim_case == KEEL__SORTED_SET_ADD_ENTRIES_REQUEST__TRIM_MAX_LENGTH ? request.max_length : nil
            )
        case KEEL__REQUEST__OP_SORTED_SET_ADD_ENTRY_TO_MANY:
            let request = try reader.present(message.sorted_set_add_entry_to_many, field: "sorted_set_add_entry_to_many")
            let entry = try reader.present(request.entry, field: "sorted_set_add_entry_to_many.entry")
            return .addEntryToMany(
                sets: sets(request.sets, count: request.n_sets),
                entry: SortedSetMember(entry, reader: reader),
                maxLength: request.trim_case == KEEL__SORTED_SET_ADD_ENTRY_TO_MANY_REQUEST__TRIM_MAX_LENGTH
                    ? request.max_length : nil
            )
        case KEEL__REQUEST__OP_SORTED_SET_REMOVE_ENTRIES:
            let request = try reader.present(message.sorted_set_remove_entries, field: "sorted_set_remove_entries")
            let entries = try reader.messages(request.entries, count: request.n_entries, field: "sorted_set_remove_entries.entries") {
                entry throws(WireDecodingError) -> SortedSetMember in
                SortedSetMember(entry, reader: reader)
            }
            return .removeEntries(set: reader.bytes(request.set), entries: entries)
        case KEEL__REQUEST__OP_SORTED_SET_REMOVE_ENTRY_FROM_MANY:
            let request = try reader.present(message.sorted_set_remove_entry_from_many, field: "sorted_set_remove_entry_from_many")
            let entry = try reader.present(request.entry, field: "sorted_set_remove_entry_from_many.entry")
            return .removeEntryFromMany(sets: sets(request.sets, count: request.n_sets), entry: SortedSetMember(entry, reader: reader))
        default:
            return nil
        }
    }
}
