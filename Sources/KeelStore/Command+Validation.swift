extension Command {
    /// Checks every argument against ``StoreLimits`` before anything is applied, so a failing
    /// command changes nothing. The store checks every command it applies; a server may also
    /// check before proposing, so that invalid input never takes a log entry.
    /// - Throws: the first ``StoreError`` found.
    public func validate() throws(StoreError) {
        switch self {
        case .put(let key, let value):
            try Self.checkKey(key)
            try Self.checkValue(value)
        case .delete(let key):
            try Self.checkKey(key)
        case .compareAndSet(let key, let expected, let newValue):
            try Self.checkCompareAndSet(key: key, expected: expected, newValue: newValue)
        case .increment(let key, _):
            try Self.checkKey(key)
        case .batch(let operations):
            guard !operations.isEmpty else { throw .emptyCommand }
            guard operations.count <= StoreLimits.maxBatchOperations else { throw .tooManyOperations(count: operations.count) }
            for operation in operations {
                switch operation {
                case .put(let key, let value):
                    try Self.checkKey(key)
                    try Self.checkValue(value)
                case .delete(let key):
                    try Self.checkKey(key)
                case .compareAndSet(let key, let expected, let newValue):
                    try Self.checkCompareAndSet(key: key, expected: expected, newValue: newValue)
                case .increment(let key, _):
                    try Self.checkKey(key)
                }
            }
        case .add(let set, let members, _, let maxLength), .addEntries(let set, let members, let maxLength):
            try Self.checkKey(set)
            try Self.checkScoredMembers(members)
            try Self.checkMaxLength(maxLength)
        case .removeEntries(let set, let entries):
            try Self.checkKey(set)
            try Self.checkScoredMembers(entries)
        case .addEntryToMany(let sets, let entry, let maxLength):
            try Self.checkSets(sets)
            try Self.checkScoredMembers([entry])
            try Self.checkMaxLength(maxLength)
        case .removeEntryFromMany(let sets, let entry):
            try Self.checkSets(sets)
            try Self.checkScoredMembers([entry])
        case .addToMany(let sets, let member, let score, _, let maxLength):
            try Self.checkSets(sets)
            try Self.checkMember(member)
            guard !score.isNaN else { throw .nanScore }
            try Self.checkMaxLength(maxLength)
        case .remove(let set, let members):
            try Self.checkKey(set)
            guard !members.isEmpty else { throw .emptyCommand }
            guard members.count <= StoreLimits.maxMembersPerCommand else { throw .tooManyMembers(count: members.count) }
            for member in members {
                try Self.checkMember(member)
            }
        case .removeFromMany(let sets, let member):
            try Self.checkSets(sets)
            try Self.checkMember(member)
        case .deleteSet(let set):
            try Self.checkKey(set)
        case .trim(let set, let maxLength):
            try Self.checkKey(set)
            try Self.checkMaxLength(maxLength)
        case .removeByScoreRange(let set, let minimum, let maximum):
            try Self.checkKey(set)
            guard !minimum.isNaN, !maximum.isNaN else { throw .nanScore }
        }
    }

    static func checkKey(_ key: [UInt8]) throws(StoreError) {
        guard !key.isEmpty else { throw .emptyKey }
        guard key.count <= StoreLimits.maxKeySize else { throw .keyTooLarge(size: key.count) }
    }

    static func checkCompareAndSet(key: [UInt8], expected: CompareAndSetExpectation, newValue: [UInt8]?) throws(StoreError) {
        try checkKey(key)
        if case .value(let value) = expected { try checkValue(value) }
        if let newValue { try checkValue(newValue) }
    }

    static func checkValue(_ value: [UInt8]) throws(StoreError) {
        guard value.count <= StoreLimits.maxValueSize else { throw .valueTooLarge(size: value.count) }
    }

    static func checkMember(_ member: [UInt8]) throws(StoreError) {
        guard member.count <= StoreLimits.maxMemberSize else { throw .memberTooLarge(size: member.count) }
    }

    /// At least one and at most ``StoreLimits/maxMembersPerCommand`` members, none too large,
    /// no NaN score.
    static func checkScoredMembers(_ members: [ScoredMember]) throws(StoreError) {
        guard !members.isEmpty else { throw .emptyCommand }
        guard members.count <= StoreLimits.maxMembersPerCommand else { throw .tooManyMembers(count: members.count) }
        for scored in members {
            try checkMember(scored.member)
            guard !scored.score.isNaN else { throw .nanScore }
        }
    }

    static func checkMaxLength(_ maxLength: UInt64?) throws(StoreError) {
        guard maxLength != 0 else { throw .invalidMaxLength }
    }

    static func checkSets(_ sets: [[UInt8]], limit: Int = StoreLimits.maxSetsPerCommand) throws(StoreError) {
        guard !sets.isEmpty else { throw .emptyCommand }
        guard sets.count <= limit else { throw .tooManySets(count: sets.count) }
        for set in sets {
            try checkKey(set)
        }
    }
}
