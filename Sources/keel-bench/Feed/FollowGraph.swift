/// A generated follower graph: `users` users, each with the followers its distribution gives,
/// drawn uniformly from the other users by a seeded generator (the same seed and options give
/// the same graph on every run).
struct FollowGraph: Sendable {
    let users: Int
    /// `followers[p]`: the users following `p`, in the order they were drawn.
    let followers: [[Int]]

    init(users: Int, distribution: FollowerDistribution, maxFollowers: Int, exponent: Double = 1, seed: UInt64) {
        precondition(users >= 2 && maxFollowers >= 1, "need two users and a positive follower cap")
        var random = SplitMix64(seed: seed)
        self.users = users
        followers = (0..<users).map { producer in
            let count = distribution.followers(of: producer, users: users, maxFollowers: maxFollowers, exponent: exponent)
            return Self.draw(count, of: users, excluding: producer, using: &random)
        }
    }

    /// `count` distinct users of `0 ..< users`, none of them `excluding` (pass -1 to allow all).
    static func draw(_ count: Int, of users: Int, excluding: Int, using random: inout SplitMix64) -> [Int] {
        let available = excluding >= 0 && excluding < users ? users - 1 : users
        precondition(count <= available, "more followers than users")
        if count * 4 < available {
            // Few of many: draw and reject repeats.
            var chosen: [Int] = []
            var seen = Set<Int>()
            while chosen.count < count {
                let user = Int(random.next(below: UInt64(users)))
                if user != excluding && seen.insert(user).inserted { chosen.append(user) }
            }
            return chosen
        }
        // Many of few: the first `count` of a partial shuffle.
        var pool = Array(0..<users)
        if excluding >= 0 && excluding < users { pool.remove(at: excluding) }
        for index in 0..<count {
            pool.swapAt(index, index + Int(random.next(below: UInt64(pool.count - index))))
        }
        return Array(pool.prefix(count))
    }

    var edges: Int { followers.reduce(0) { $0 + $1.count } }
}
