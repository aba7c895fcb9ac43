import Foundation
import KeelTestKit
import XCTest

/// `keelctl feed ...` run as a person would, against three real nodes (KeelTestKit's
/// LocalCluster; needs `swift build --product keel-server --product keelctl`).
final class FeedCommandTests: XCTestCase {
    private var cluster: LocalCluster?
    private var directory: String?
    private var keelctl: KeelctlProcess!

    /// `--json` pages, as far as the tests read them (keelctl writes snake_case).
    private struct Page: Decodable {
        struct Entry: Decodable {
            var foreignId: String
            var time: Int64
            var actor: String
            var object: String
            var extra: [String: String]
        }

        var activities: [Entry]
        var nextCursor: String?
    }

    private struct PublishReport: Decodable {
        var foreignId: String
        var time: Int64
        var delivery: String
        var followers: Int?
    }

    override func setUpWithError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keelctl-feed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        let cluster = try LocalCluster(count: 3)
        self.cluster = cluster
        try cluster.start()
        _ = try cluster.waitForLeader(timeout: 60)
        keelctl = try KeelctlProcess(cluster: cluster, directory: directory)
    }

    override func tearDown() {
        cluster?.shutdown()
        cluster = nil
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
        directory = nil
    }

    @discardableResult
    private func succeed(_ arguments: String...) throws -> String {
        let result = try keelctl.run(arguments)
        XCTAssertEqual(result.status, 0, "keelctl \(arguments.joined(separator: " ")): \(result.output)\(result.error)")
        return result.output
    }

    private func decode<Value: Decodable>(_ type: Value.Type, _ text: String) throws -> Value {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(text.utf8))
    }

    private func timeline(_ user: String, limit: Int, before: String? = nil) throws -> Page {
        let cursor = before.map { ["--before", $0] } ?? []
        let result = try keelctl.run(["feed", "timeline", user, "--limit", "\(limit)", "--json"] + cursor)
        XCTAssertEqual(result.status, 0, result.output + result.error)
        return try decode(Page.self, result.output)
    }

    func testFollowPublishPageUnfollowRemove() throws {
        XCTAssertTrue(try succeed("feed", "follow", "ann", "bob").contains("ann follows bob"))
        try succeed("feed", "follow", "cid", "bob", "--backfill", "0")

        let first = try succeed(
            "feed", "publish", "--actor", "bob", "--verb", "post", "--object", "photo:1", "--foreign-id", "post:1",
            "--time", "1000", "--target", "album:3"
        )
        XCTAssertTrue(first.contains("published post:1 at 1000: pushed to 2 followers"), first)
        for number in 2...5 {
            let json = try succeed(
                "feed", "publish", "--actor", "bob", "--verb", "post", "--object", "photo:\(number)",
                "--foreign-id", "post:\(number)", "--time", "\(number * 1000)", "--extra", "caption=n \(number)", "--json"
            )
            let report = try decode(PublishReport.self, json)
            XCTAssertEqual(report.foreignId, "post:\(number)")
            XCTAssertEqual(report.time, Int64(number * 1000))
            XCTAssertEqual(report.delivery, "pushed")
            XCTAssertEqual(report.followers, 2)
        }
        let again = try decode(PublishReport.self, try succeed(
            "feed", "publish", "--actor", "bob", "--verb", "post", "--object", "photo:1", "--foreign-id", "post:1",
            "--time", "1000", "--target", "album:3", "--json"
        ))
        XCTAssertEqual(again.delivery, "already_published")

        // The table shows the newest first and a cursor that --before takes back.
        let text = try succeed("feed", "timeline", "ann", "--limit", "2")
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.count >= 4, text)
        XCTAssertTrue(lines[1].contains("photo:5") && lines[2].contains("photo:4"), text)
        XCTAssertTrue(lines[1].contains("caption=n 5"), text)
        let printedCursor = try XCTUnwrap(lines.last?.components(separatedBy: "--before ").last?.dropLast(), text)
        let fromText = try timeline("ann", limit: 2, before: String(printedCursor))
        XCTAssertEqual(fromText.activities.map(\.foreignId), ["post:3", "post:2"])

        // Walk every page by JSON cursor: each activity once, newest first.
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try timeline("ann", limit: 2, before: cursor)
            seen += page.activities.map(\.foreignId)
            cursor = page.nextCursor
        } while cursor != nil && seen.count < 10
        XCTAssertEqual(seen, ["post:5", "post:4", "post:3", "post:2", "post:1"])
        let userFeed = try decode(Page.self, try succeed("feed", "user-feed", "bob", "--json"))
        XCTAssertEqual(userFeed.activities.map(\.time), [5000, 4000, 3000, 2000, 1000])
        XCTAssertEqual(userFeed.activities.first?.extra, ["caption": "n 5"])

        // Unfollow takes bob's activities out of ann's timeline; cid keeps them.
        XCTAssertTrue(try succeed("feed", "unfollow", "ann", "bob").contains("ann no longer follows bob"))
        XCTAssertEqual(try timeline("ann", limit: 30).activities.count, 0)
        XCTAssertTrue(try succeed("feed", "timeline", "ann").contains("(no activities)"))
        XCTAssertEqual(try timeline("cid", limit: 30).activities.count, 5)

        // Remove: gone from the user feed and cid's timeline; a second removal finds nothing.
        XCTAssertTrue(try succeed("feed", "remove", "--foreign-id", "post:3", "--time", "3000").contains("removed post:3"))
        XCTAssertEqual(try timeline("cid", limit: 30).activities.map(\.foreignId), ["post:5", "post:4", "post:2", "post:1"])
        let missing = try keelctl.run(["feed", "remove", "--foreign-id", "post:3", "--time", "3000"])
        XCTAssertEqual(missing.status, 9, missing.output + missing.error)
    }

    func testBadInputExitsWithUsageStatusAndWritesNothing() throws {
        try succeed("feed", "follow", "ann", "bob")
        let emptyActor = try keelctl.run(["feed", "publish", "--actor", "", "--verb", "post", "--object", "photo:1"])
        XCTAssertEqual(emptyActor.status, 64, emptyActor.output + emptyActor.error)
        XCTAssertTrue(emptyActor.error.contains("actor must not be empty"), emptyActor.error)
        let emptyFollower = try keelctl.run(["feed", "follow", "", "bob"])
        XCTAssertEqual(emptyFollower.status, 64, emptyFollower.output + emptyFollower.error)
        XCTAssertTrue(emptyFollower.error.contains("follower must not be empty"), emptyFollower.error)
        let limit = try keelctl.run(["feed", "timeline", "ann", "--limit", "0"])
        XCTAssertEqual(limit.status, 64, limit.output + limit.error)
        XCTAssertTrue(limit.error.contains("limit"), limit.error)
        let cursor = try keelctl.run(["feed", "timeline", "ann", "--before", "not-a-cursor"])
        XCTAssertEqual(cursor.status, 64, cursor.output + cursor.error)
        let extra = try keelctl.run(["feed", "publish", "--actor", "bob", "--verb", "post", "--object", "x", "--extra", "novalue"])
        XCTAssertEqual(extra.status, 64, extra.output + extra.error)
        // Nothing of the refused publishes reached ann or bob's user feed.
        XCTAssertEqual(try timeline("ann", limit: 30).activities.count, 0)
        XCTAssertEqual(try decode(Page.self, try succeed("feed", "user-feed", "bob", "--json")).activities.count, 0)
    }
}
