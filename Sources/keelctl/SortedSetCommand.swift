import ArgumentParser
import Foundation
import KeelClient

/// `keelctl zset ...`: sorted sets by hand. Set keys and members are UTF-8 text on the
/// command line; members that are not printable UTF-8 print as `hex:...`.
struct SortedSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zset",
        abstract: "Read and write sorted sets by hand.",
        subcommands: [Add.self, Range.self, Remove.self, Count.self]
    )

    struct Entry: Encodable {
        var member: String
        var score: Double
    }

    struct ChangeReport: Encodable {
        var set: String
        var added: UInt64
        var updated: UInt64
        var removed: UInt64
        var appliedIndex: UInt64
    }

    static func printChanges(_ changes: SortedSetChanges, set: String, json: Bool) throws {
        if json {
            try JSONOutput.print(ChangeReport(
                set: set, added: changes.added, updated: changes.updated, removed: changes.removed,
                appliedIndex: changes.appliedIndex
            ))
        } else {
            print("added \(changes.added), updated \(changes.updated), removed \(changes.removed) (index \(changes.appliedIndex))")
        }
    }

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case upsert
        case onlyIfAbsent = "only-if-absent"
        case onlyIfGreater = "only-if-greater"

        var value: SortedSetAddMode {
            switch self {
            case .upsert: .upsert
            case .onlyIfAbsent: .onlyIfAbsent
            case .onlyIfGreater: .onlyIfGreater
            }
        }
    }

    /// SCORE MEMBER pairs from the command line.
    static func scoredPairs(_ pairs: [String]) throws -> [SortedSetMember] {
        guard !pairs.isEmpty, pairs.count.isMultiple(of: 2) else {
            throw ValidationError("give one or more SCORE MEMBER pairs")
        }
        return try stride(from: 0, to: pairs.count, by: 2).map { index in
            guard let score = Double(pairs[index]), !score.isNaN else {
                throw ValidationError("\"\(pairs[index])\" is not a score (a number)")
            }
            return SortedSetMember(member: Array(pairs[index + 1].utf8), score: score)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add members with scores to a set: keelctl zset add SET SCORE MEMBER [SCORE MEMBER ...]."
        )

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The set's key.") var set: String
        @Argument(help: "Pairs of score and member.") var pairs: [String]
        @Option(help: "upsert (default), only-if-absent or only-if-greater.") var mode: Mode?
        @Option(name: .customLong("max-length"), help: "Trim the set to this many members, dropping the lowest scores.")
        var maxLength: UInt64?
        @Flag(help: "An entry-keyed set (each SCORE MEMBER pair is one entry; no member index, as timelines are).")
        var entryKeyed = false

        func validate() throws {
            _ = try SortedSetCommand.scoredPairs(pairs)
            if entryKeyed, mode != nil {
                throw ValidationError("--mode is for member-keyed sets; an entry-keyed add leaves entries already there alone")
            }
        }

        func run() async throws {
            let members = try SortedSetCommand.scoredPairs(pairs)
            let changes = try await connection.withCluster {
                entryKeyed
                    ? try await $0.client.zaddEntries(Array(set.utf8), members, maxLength: maxLength, timeout: $0.timeout)
                    : try await $0.client.zadd(
                        Array(set.utf8), members: members, mode: (mode ?? .upsert).value, maxLength: maxLength, timeout: $0.timeout
                    )
            }
            try SortedSetCommand.printChanges(changes, set: set, json: connection.json)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rem",
            abstract: "Remove members from a set: keelctl zset rem SET MEMBER ..., or keelctl zset rem --entry-keyed SET SCORE MEMBER ..."
        )

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The set's key.") var set: String
        @Argument(help: "The members to remove (SCORE MEMBER pairs with --entry-keyed).") var members: [String]
        @Flag(help: "An entry-keyed set: name each entry by its score and member.")
        var entryKeyed = false

        func validate() throws {
            guard !members.isEmpty else { throw ValidationError("name at least one member") }
            if entryKeyed { _ = try SortedSetCommand.scoredPairs(members) }
        }

        func run() async throws {
            let changes = try await connection.withCluster {
                entryKeyed
                    ? try await $0.client.zremEntries(Array(set.utf8), try SortedSetCommand.scoredPairs(members), timeout: $0.timeout)
                    : try await $0.client.zrem(Array(set.utf8), members: members.map { Array($0.utf8) }, timeout: $0.timeout)
            }
            try SortedSetCommand.printChanges(changes, set: set, json: connection.json)
        }
    }

    struct Count: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print how many members a set has (0 for an absent set).")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The set's key.") var set: String
        @Option(help: "linearizable (default), lease or stale.") var consistency: KeyValueCommand.Consistency = .linearizable

        struct Report: Encodable {
            var set: String
            var count: UInt64
        }

        func run() async throws {
            let count = try await connection.withCluster {
                try await $0.client.zcount(Array(set.utf8), consistency: consistency.value, timeout: $0.timeout)
            }
            if connection.json { try JSONOutput.print(Report(set: set, count: count)) } else { print(count) }
        }
    }

    struct Range: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one page of a set, highest scores first (or --oldest-first), with the cursor of the next page."
        )

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The set's key.") var set: String
        @Option(help: "At most this many members.") var limit: UInt32 = 30
        @Flag(name: .customLong("oldest-first"), help: "Lowest scores first.") var oldestFirst = false
        @Option(name: .customLong("after-score"), help: "Continue after this cursor score (with --after-member).")
        var afterScore: Double?
        @Option(name: .customLong("after-member"), help: "Continue after this cursor member (with --after-score).")
        var afterMember: String?
        @Option(help: "linearizable (default), lease or stale.") var consistency: KeyValueCommand.Consistency = .linearizable

        struct Report: Encodable {
            var members: [Entry]
            var nextScore: Double?
            var nextMember: String?
        }

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be positive") }
            guard (afterScore == nil) == (afterMember == nil) else {
                throw ValidationError("--after-score and --after-member go together")
            }
        }

        func run() async throws {
            var start = SortedSetRangeStart.beginning
            if let afterScore, let afterMember {
                start = .after(SortedSetCursor(score: afterScore, member: Array(afterMember.utf8)))
            }
            let page = try await connection.withCluster {
                try await $0.client.zrange(
                    Array(set.utf8), order: oldestFirst ? .oldestFirst : .newestFirst, from: start, limit: limit,
                    consistency: consistency.value, timeout: $0.timeout
                )
            }
            let rows = page.members.map { Entry(member: KeyValueCommand.text($0.member), score: $0.score) }
            let next = page.nextCursor
            if connection.json {
                try JSONOutput.print(Report(members: rows, nextScore: next?.score, nextMember: next.map { KeyValueCommand.text($0.member) }))
                return
            }
            var table = TextTable("SCORE", "MEMBER")
            for row in rows { table.add(["\(row.score)", row.member]) }
            print(table.rendered())
            if let next {
                print("(more follow; next page: --after-score \(next.score) --after-member \(KeyValueCommand.text(next.member)))")
            }
        }
    }
}
