import KeelFeed

/// The users of a `feed` run and who follows whom: the generated graph over `u0 ... u<n-1>`,
/// the large producers above the pull threshold (`large0 ...`), the producer with exactly
/// `--target-followers` followers (`target`), and one probe follower per posting producer
/// (`probe-<producer>`), followed last and never reading for itself, which the fanout delay
/// is measured on. The probe is one of the producer's followers: a producer given d followers
/// has d - 1 drawn users and its probe, so every fanout has the size the options say.
struct FeedPopulation: Sendable {
    let graph: FollowGraph
    /// Followers (user indices) of each large producer, its probe aside.
    let largeFollowers: [[Int]]
    /// Followers (user indices) of `target`, its probe aside.
    let targetFollowers: [Int]
    /// Whether `target` publishes (has followers) in this run.
    let hasTarget: Bool
    /// Users who follow every large producer: their pages merge all of them.
    let mergedReaders: Set<Int>
    /// Producers by posting rate: user indices, then `users + j` for large producer j.
    let posters: WeightedChooser
    /// Readers (user indices) by reading rate.
    let readers: WeightedChooser

    static let targetProducer = "target"

    init(
        users: Int, distribution: FollowerDistribution, maxFollowers: Int, exponent: Double,
        largeProducers: Int, largeFollowers: Int, targetFollowers: Int, seed: UInt64
    ) {
        graph = FollowGraph(users: users, distribution: distribution, maxFollowers: maxFollowers, exponent: exponent, seed: seed)
        var random = SplitMix64(seed: seed &+ 0x5EED)
        self.largeFollowers = (0..<largeProducers).map { _ in
            FollowGraph.draw(max(0, largeFollowers - 1), of: users, excluding: -1, using: &random)
        }
        self.targetFollowers = FollowGraph.draw(max(0, targetFollowers - 1), of: users, excluding: -1, using: &random)
        hasTarget = targetFollowers > 0
        var merged = largeProducers > 0 ? Set(0..<users) : []
        for followers in self.largeFollowers { merged.formIntersection(followers) }
        mergedReaders = merged
        // The large producers post as often as the most active bucket.
        posters = WeightedChooser(weights: (0..<users).map(SocialModel.postsPerDay) + Array(repeating: 25, count: largeProducers))
        readers = WeightedChooser(weights: (0..<users).map(SocialModel.pagesPerDay))
    }

    var users: Int { graph.users }

    static func user(_ index: Int) -> String { "u\(index)" }
    static func large(_ index: Int) -> String { "large\(index)" }
    static func probe(of producer: String) -> String { "probe-\(producer)" }

    /// The name of a producer drawn from ``posters``.
    func producer(_ index: Int) -> String {
        index < users ? Self.user(index) : Self.large(index - users)
    }

    /// Every follow of the graph, large producers and target, one group per followee; a
    /// producer with a probe leaves out its last drawn follower, the probe takes that place.
    var followGroups: [[FollowRequest]] {
        var groups = graph.followers.enumerated().map { producer, followers in
            let drawn = SocialModel.postsPerDay(of: producer) > 0 ? followers.dropLast() : followers[...]
            return drawn.map { FollowRequest(follower: Self.user($0), followee: Self.user(producer)) }
        }
        groups += largeFollowers.enumerated().map { producer, followers in
            followers.map { FollowRequest(follower: Self.user($0), followee: Self.large(producer)) }
        }
        if hasTarget {
            groups.append(targetFollowers.map { FollowRequest(follower: Self.user($0), followee: Self.targetProducer) })
        }
        return groups.filter { !$0.isEmpty }
    }

    /// The probe follows: one per producer that posts.
    var probeFollows: [FollowRequest] {
        let producers = (0..<users).filter { SocialModel.postsPerDay(of: $0) > 0 }.map(Self.user)
            + (0..<largeFollowers.count).map(Self.large) + (hasTarget ? [Self.targetProducer] : [])
        return producers.map { FollowRequest(follower: Self.probe(of: $0), followee: $0) }
    }

    /// Edges of the whole population, probes included.
    var edges: Int {
        followGroups.reduce(0) { $0 + $1.count } + probeFollows.count
    }
}
