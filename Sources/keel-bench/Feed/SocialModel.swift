/// Who posts and who reads how often in the social model of WORKLOADS.md (Stream-Framework-Bench),
/// by `user % 100`: 5 % / 10 % / 10 % / 25 % / 50 % of the users post 25 / 10 / 5 / 1 / 0 times
/// a day and read 50 / 20 / 10 / 5 / 1 timeline pages a day. The most followed users
/// (``FollowerDistribution/social``) are also the most active, as in the original.
enum SocialModel {
    static func postsPerDay(of user: Int) -> Int {
        switch user % 100 {
        case ..<5: 25
        case ..<15: 10
        case ..<25: 5
        case ..<50: 1
        default: 0
        }
    }

    static func pagesPerDay(of user: Int) -> Int {
        switch user % 100 {
        case ..<5: 50
        case ..<15: 20
        case ..<25: 10
        case ..<50: 5
        default: 1
        }
    }
}
