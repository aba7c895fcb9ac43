import ArgumentParser
import Foundation
import KeelClient
import KeelFeed

/// `keelctl feed ...`: activity feeds (KeelFeed) by hand: follow, publish, read timelines and
/// user feeds, remove. Input KeelFeed refuses (an empty actor, a page size out of range, a
/// cursor it did not make) exits 64 with KeelFeed's reason, before anything is written.
struct FeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Follow, publish and read activity feeds (KeelFeed) by hand.",
        subcommands: [Follow.self, Unfollow.self, Publish.self, Timeline.self, UserFeed.self, Remove.self]
    )

    /// Connects, makes the feed system and runs `body`; KeelFeed's refusals become usage
    /// failures (exit 64) with its own explanation.
    static func run<Value>(
        _ connection: ConnectionOptions,
        _ options: FeedOptions,
        _ body: @escaping (KeelFeed) async throws -> Value
    ) async throws -> Value {
        try await connection.withCluster { cluster in
            do {
                let feed = try options.feed(on: cluster)
                let value = try await body(feed)
                // A timeline read notes the reader, a publish deletes its fanout record, in the
                // background: finish both before exiting.
                await feed.flushBackgroundWrites()
                return value
            } catch let error as FeedError {
                throw KeelctlFailure(.usage, "invalid input: \(error)")
            }
        }
    }

    /// One activity in output.
    struct ActivityRow: Encodable {
        var foreignID: String
        var time: Int64
        var date: String
        var actor: String
        var verb: String
        var object: String
        var target: String?
        var to: [String]
        var extra: [String: String]

        init(_ activity: Activity) {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            foreignID = activity.foreignID
            time = activity.time
            date = formatter.string(from: activity.date)
            actor = activity.actor
            verb = activity.verb
            object = activity.object
            target = activity.target
            to = activity.to
            extra = activity.extra
        }

        var extraText: String {
            extra.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
    }

    /// A page in output: the activities newest first and the cursor of the next page.
    struct PageReport: Encodable {
        var user: String
        var activities: [ActivityRow]
        var nextCursor: String?
    }

    static func printPage(_ page: FeedPage, user: String, json: Bool) throws {
        let rows = page.activities.map(ActivityRow.init)
        let next = page.nextCursor?.token
        if json {
            try JSONOutput.print(PageReport(user: user, activities: rows, nextCursor: next))
            return
        }
        if rows.isEmpty {
            print("(no activities)")
        } else {
            let showsExtra = rows.contains { !$0.extra.isEmpty }
            var table = showsExtra
                ? TextTable("TIME", "DATE", "ACTOR", "VERB", "OBJECT", "TARGET", "FOREIGN ID", "EXTRA")
                : TextTable("TIME", "DATE", "ACTOR", "VERB", "OBJECT", "TARGET", "FOREIGN ID")
            for row in rows {
                let cells = ["\(row.time)", row.date, row.actor, row.verb, row.object, row.target ?? "-", row.foreignID]
                table.add(showsExtra ? cells + [row.extraText] : cells)
            }
            // An empty last column (a target or extra fields of some rows only) leaves padding.
            print(table.rendered().split(separator: "\n").map { line in
                String(line.reversed().drop(while: { $0 == " " }).reversed())
            }.joined(separator: "\n"))
        }
        if let next { print("(more follow; next page: --before \(next))") }
    }

    struct FollowReport: Encodable {
        var follower: String
        var followee: String
        var following: Bool

        /// As JSON, or as one line for people.
        func print(json: Bool) throws {
            if json {
                try JSONOutput.print(self)
            } else {
                Swift.print(following ? "\(follower) follows \(followee)" : "\(follower) no longer follows \(followee)")
            }
        }
    }

    struct Follow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "FOLLOWER follows FOLLOWEE; the followee's newest activities are copied into the follower's timeline."
        )

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var feedOptions: FeedOptions
        @Argument(help: "Who follows.") var follower: String
        @Argument(help: "Whom.") var followee: String
        @Option(help: "How many of the followee's newest activities to copy (default: KeelFeed's, 100).") var backfill: Int?

        func run() async throws {
            let (follower, followee, backfill) = (self.follower, self.followee, self.backfill)
            try await FeedCommand.run(connection, feedOptions) { try await $0.follow(follower, followee, backfill: backfill) }
            try FollowReport(follower: follower, followee: followee, following: true).print(json: connection.json)
        }
    }

    struct Unfollow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "FOLLOWER stops following FOLLOWEE; the followee's activities leave the follower's timeline."
        )

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var feedOptions: FeedOptions
        @Argument(help: "Who follows.") var follower: String
        @Argument(help: "Whom.") var followee: String

        func run() async throws {
            let (follower, followee) = (self.follower, self.followee)
            try await FeedCommand.run(connection, feedOptions) { try await $0.unfollow(follower, followee) }
            try FollowReport(follower: follower, followee: followee, following: false).print(json: connection.json)
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish an activity: ACTOR did VERB to OBJECT; prints its id and how it reached the followers."
        )

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var feedOptions: FeedOptions
        @Option(help: "Who did it.") var actor: String
        @Option(help: "What was done (post, like, ...).") var verb: String
        @Option(help: "What it was done to (photo:1).") var object: String
        @Option(help: "Where it was done (album:3).") var target: String?
        @Option(name: .customLong("foreign-id"), help: "Your id for the activity (default: a new UUID).") var foreignID: String?
        @Option(help: "Milliseconds since the Unix epoch (default: now).") var time: Int64?
        @Option(help: "A further field, key=value (repeatable).") var extra: [String] = []
        @Option(help: "A user whose notification feed gets it (repeatable).") var to: [String] = []

        struct Report: Encodable {
            var foreignID: String
            var time: Int64
            var delivery: String
            var followers: Int?
        }

        func extraFields() throws -> [String: String] {
            var fields: [String: String] = [:]
            for pair in extra {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw ValidationError("--extra \"\(pair)\" is not key=value")
                }
                fields[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            return fields
        }

        func validate() throws { _ = try extraFields() }

        func run() async throws {
            let activity = Activity(
                actor: actor, verb: verb, object: object, target: target, time: time ?? KeelFeed.wallClock(),
                foreignID: foreignID ?? UUID().uuidString, to: to, extra: try extraFields()
            )
            let result = try await FeedCommand.run(connection, feedOptions) { try await $0.publish(activity) }
            var report = Report(foreignID: result.id.foreignID, time: result.id.time, delivery: "", followers: nil)
            let explanation: String
            switch result.delivery {
            case .pushed(let followers):
                report.delivery = "pushed"
                report.followers = followers
                explanation = "pushed to \(followers) follower\(followers == 1 ? "" : "s")"
            case .pulled:
                report.delivery = "pulled"
                explanation = "pulled: \(activity.actor) has more than \(feedOptions.pullThreshold) followers, merged into their timelines when they read"
            case .alreadyPublished:
                report.delivery = "already_published"
                explanation = "already published: nothing written"
            }
            if connection.json {
                try JSONOutput.print(report)
            } else {
                print("published \(result.id.foreignID) at \(result.id.time): \(explanation)")
                print("(remove it with: keelctl feed remove --foreign-id \(result.id.foreignID) --time \(result.id.time))")
            }
        }
    }

    struct Timeline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one page of USER's timeline (what the people USER follows published), newest first, and the next cursor."
        )

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var feedOptions: FeedOptions
        @Argument(help: "The reader.") var user: String
        @OptionGroup var paging: FeedPageOptions

        func run() async throws {
            let (user, limit, cursor) = (self.user, paging.limit, try paging.cursor())
            let page = try await FeedCommand.run(connection, feedOptions) { try await $0.timeline(user, limit: limit, before: cursor) }
            try FeedCommand.printPage(page, user: user, json: connection.json)
        }
    }

    struct UserFeed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user-feed",
            abstract: "Print one page of what USER published, newest first, and the next cursor."
        )

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var feedOptions: FeedOptions
        @Argument(help: "The publisher.") var user: String
        @OptionGroup var paging: FeedPageOptions

        func run() async throws {
            let (user, limit, cursor) = (self.user, paging.limit, try paging.cursor())
            let page = try await FeedCommand.run(connection, feedOptions) { try await $0.userFeed(user, limit: limit, before: cursor) }
            try FeedCommand.printPage(page, user: user, json: connection.json)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an activity from its actor's feed, every timeline and notification feed (exit 9 when it is not stored)."
        )

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var feedOptions: FeedOptions
        @Option(name: .customLong("foreign-id"), help: "The activity's foreign id.") var foreignID: String
        @Option(help: "The activity's time, milliseconds since the Unix epoch.") var time: Int64

        struct Report: Encodable {
            var foreignID: String
            var time: Int64
            var removed: Bool
        }

        func run() async throws {
            let id = ActivityID(foreignID: foreignID, time: time)
            let removed = try await FeedCommand.run(connection, feedOptions) { try await $0.remove(id) }
            if connection.json {
                try JSONOutput.print(Report(foreignID: foreignID, time: time, removed: removed))
            } else if removed {
                print("removed \(foreignID) at \(time)")
            }
            if !removed {
                if !connection.json {
                    FileHandle.standardError.write(Data("keelctl: no activity \(foreignID) at \(time) is stored\n".utf8))
                }
                throw ExitCode(ExitStatus.keyNotFound.rawValue)
            }
        }
    }
}
