import XCTest

@testable import keel_bench

/// The feed workload's parts that run without a cluster: the follower graph, the social
/// model's choosers and the option checks.
final class FeedWorkloadTests: XCTestCase {
    func testTheSameSeedGivesTheSameGraphAndAnotherSeedAnother() {
        let first = FollowGraph(users: 500, distribution: .social, maxFollowers: 300, seed: 42)
        let again = FollowGraph(users: 500, distribution: .social, maxFollowers: 300, seed: 42)
        let other = FollowGraph(users: 500, distribution: .social, maxFollowers: 300, seed: 43)
        XCTAssertEqual(first.followers, again.followers)
        XCTAssertNotEqual(first.followers, other.followers)
    }

    func testSocialDegreesFollowTheBucketsAndTheCap() {
        let users = 2_000
        let graph = FollowGraph(users: users, distribution: .social, maxFollowers: 800, seed: 7)
        for producer in 0..<users {
            let followers = graph.followers[producer]
            let expected: Int = switch producer % 100 {
            case ..<2: 800  // max(200, 1,000), capped at 800
            case ..<15: 100  // min(100, 1,000)
            case ..<40: 100
            case ..<70: 50
            default: 5
            }
            XCTAssertEqual(followers.count, expected, "user \(producer)")
            XCTAssertEqual(Set(followers).count, followers.count, "user \(producer) has a follower twice")
            XCTAssertFalse(followers.contains(producer), "user \(producer) follows itself")
            XCTAssertTrue(followers.allSatisfy { (0..<users).contains($0) })
        }
    }

    func testZipfDegreesFallWithRankWithinBounds() {
        let graph = FollowGraph(users: 1_000, distribution: .zipf, maxFollowers: 600, exponent: 1, seed: 3)
        let degrees = graph.followers.map(\.count)
        XCTAssertEqual(degrees[0], 600)
        XCTAssertEqual(degrees[1], 300)
        XCTAssertEqual(degrees[9], 60)
        XCTAssertTrue(degrees.allSatisfy { (1...600).contains($0) })
        XCTAssertEqual(degrees, degrees.sorted(by: >), "degrees must not grow with rank")
        // A small network caps the degree at every other user.
        let small = FollowGraph(users: 10, distribution: .zipf, maxFollowers: 600, seed: 3)
        XCTAssertEqual(small.followers[0].count, 9)
    }

    func testPopulationFindsTheReadersOfEveryLargeProducer() {
        let population = FeedPopulation(
            users: 300, distribution: .social, maxFollowers: 100, exponent: 1,
            largeProducers: 3, largeFollowers: 250, targetFollowers: 120, seed: 9
        )
        // The probe is one of the followers: 119 drawn for 120, 249 for 250.
        XCTAssertEqual(population.targetFollowers.count, 119)
        XCTAssertEqual(population.largeFollowers.map(\.count), [249, 249, 249])
        let groups = population.followGroups
        XCTAssertEqual(groups.first { $0.first?.followee == "target" }?.count, 119)
        // u0 posts: its 100 drawn followers less one, plus its probe, make 100.
        XCTAssertEqual(groups.first { $0.first?.followee == "u0" }?.count, 99)
        // u60 does not post, has no probe, keeps its 50 drawn followers.
        XCTAssertEqual(groups.first { $0.first?.followee == "u60" }?.count, 50)
        XCTAssertEqual(population.edges, groups.reduce(0) { $0 + $1.count } + population.probeFollows.count)
        let expected = Set(0..<300).filter { user in population.largeFollowers.allSatisfy { $0.contains(user) } }
        XCTAssertEqual(population.mergedReaders, expected)
        XCTAssertFalse(expected.isEmpty)
        // One probe per posting user (half of them), per large producer and for the target.
        XCTAssertEqual(population.probeFollows.count, 150 + 3 + 1)
        XCTAssertEqual(population.producer(300), "large0")
    }

    func testWeightedChooserDrawsInProportionAndNeverAZeroWeight() {
        let chooser = WeightedChooser(weights: [1, 0, 3])
        var random = SplitMix64(seed: 5)
        var counts = [0, 0, 0]
        for _ in 0..<40_000 { counts[chooser.next(using: &random)] += 1 }
        XCTAssertEqual(counts[1], 0)
        XCTAssertEqual(Double(counts[2]) / Double(counts[0]), 3, accuracy: 0.3)
    }

    func testOptionChecks() throws {
        let target = ["--endpoints", "127.0.0.1:7101"]
        XCTAssertNoThrow(try FeedWorkload.parse(target))
        XCTAssertThrowsError(try FeedWorkload.parse(target + ["--users", "1"]))
        XCTAssertThrowsError(try FeedWorkload.parse(target + ["--read-fraction", "1.5"]))
        XCTAssertThrowsError(try FeedWorkload.parse(target + ["--page", "0"]))
        XCTAssertThrowsError(try FeedWorkload.parse(target + ["--rate", "-1"]))
        XCTAssertThrowsError(try FeedWorkload.parse(target + ["--rate", "100", "--concurrency", "0"]))
        XCTAssertNoThrow(try FeedWorkload.parse(target + ["--rate", "100", "--concurrency", "32", "--read-consistency", "stale"]))
        XCTAssertThrowsError(try FeedWorkload.parse(target + ["--read-consistency", "eventual"]))
        // Large producers must cross the pull threshold; the target producer must not.
        XCTAssertThrowsError(try FeedWorkload.parse(target + ["--pull-threshold", "1500"]))
        XCTAssertThrowsError(try FeedWorkload.parse(target + ["--target-followers", "1201"]))
        XCTAssertNoThrow(try FeedWorkload.parse(target + ["--target-followers", "1200"]))
        XCTAssertNoThrow(try FeedWorkload.parse(target + ["--large-producers", "0", "--pull-threshold", "5000"]))
    }
}
