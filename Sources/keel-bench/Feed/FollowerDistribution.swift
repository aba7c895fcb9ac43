import Foundation
import ArgumentParser

/// How many followers each of `users` users has, user 0 the most followed.
enum FollowerDistribution: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Stream-Framework-Bench's social model (WORKLOADS.md), by `user % 100`: the top 2 % have
    /// max(10 % of the network, 1,000) followers, the next 13 % min(5 % of the network, 1,000),
    /// then 25 % have 100, 30 % have 50 and the last 30 % have 5 (WORKLOADS.md gives the three
    /// figures, not the split; this split is ours).
    case social
    /// A power law: the user of rank r (from 1) has max-followers / r^exponent, at least 1.
    case zipf

    /// Followers of `user`, before the cap of `maxFollowers` and the network size.
    func uncappedFollowers(of user: Int, users: Int, maxFollowers: Int, exponent: Double) -> Int {
        switch self {
        case .social:
            switch user % 100 {
            case ..<2: return max(users / 10, 1_000)
            case ..<15: return min(users / 20, 1_000)
            case ..<40: return 100
            case ..<70: return 50
            default: return 5
            }
        case .zipf:
            return max(1, Int((Double(maxFollowers) / pow(Double(user + 1), exponent)).rounded(.down)))
        }
    }

    /// Followers of `user`: the distribution's figure, at most `maxFollowers` and every other user.
    func followers(of user: Int, users: Int, maxFollowers: Int, exponent: Double) -> Int {
        min(uncappedFollowers(of: user, users: users, maxFollowers: maxFollowers, exponent: exponent), maxFollowers, users - 1)
    }
}
