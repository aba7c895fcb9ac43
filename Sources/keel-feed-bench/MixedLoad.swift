import KeelFeed

/// Background traffic shaped like the social model of WORKLOADS.md, scaled down: `users`
/// users each follow 20 of them (favouring the first 2%, the popular accounts), and
/// `concurrency` tasks issue 90% timeline reads and 10% publishes until cancelled.
struct MixedLoad {
    let feed: KeelFeed
    let users: Int
    let concurrency: Int

    private func user(_ index: Int) -> String {
        "social-\(index)"
    }

    /// Builds the follow graph and some history.
    func prepare() async throws {
        var follows: [FollowRequest] = []
        let popular = max(1, self.users / 50)
        for index in 0..<self.users {
            var followees = Set<Int>()
            while followees.count < 20 {
                followees.insert(Bool.random() ? Int.random(in: 0..<popular) : Int.random(in: 0..<self.users))
            }
            follows += followees.map { FollowRequest(follower: self.user(index), followee: self.user($0)) }
        }
        try await self.feed.followMany(follows, backfill: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in stride(from: worker, to: self.users, by: 8) {
                        try await self.publish(from: index)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func publish(from index: Int) async throws {
        try await self.feed.publish(
            Activity(actor: self.user(index), verb: "post", object: "note", time: KeelFeed.wallClock())
        )
    }

    /// Runs until the task is cancelled; returns the operations done.
    func run() async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<self.concurrency {
                group.addTask {
                    var done = 0
                    while !Task.isCancelled {
                        let index = Int.random(in: 0..<self.users)
                        do {
                            if Int.random(in: 0..<10) == 0 {
                                try await self.publish(from: index)
                            } else {
                                _ = try await self.feed.timeline(self.user(index), limit: 30)
                            }
                            done += 1
                        } catch {
                            return done
                        }
                    }
                    return done
                }
            }
            return await group.reduce(0, +)
        }
    }
}
