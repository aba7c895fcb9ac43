import KeelClient

/// What a feed's sorted set holds for an activity: the member bytes
/// `<time>:<actor byte count>:<actor><foreign id>` with the time as the score.
///
/// The time makes (foreign id, time) one member; the actor lets an unfollow strip a
/// followee's activities from a timeline without reading them. The decimal byte count makes
/// the split unambiguous whatever the actor and foreign id contain.
struct ActivityReference: Sendable, Hashable {
    var time: Int64
    var actor: String
    var foreignID: String

    init(time: Int64, actor: String, foreignID: String) {
        self.time = time
        self.actor = actor
        self.foreignID = foreignID
    }

    init(_ activity: Activity) {
        self.init(time: activity.time, actor: activity.actor, foreignID: activity.foreignID)
    }

    /// Parses member bytes; `nil` for bytes this library did not write.
    init?(member: [UInt8]) {
        let colon = UInt8(ascii: ":")
        guard let first = member.firstIndex(of: colon),
              let second = member[(first + 1)...].firstIndex(of: colon),
              let time = Int64(String(decoding: member[..<first], as: UTF8.self)),
              let actorCount = Int(String(decoding: member[(first + 1)..<second], as: UTF8.self)),
              actorCount >= 0, actorCount <= member.count - second - 1,
              let actor = String(validating: member[(second + 1)..<(second + 1 + actorCount)], as: UTF8.self),
              let foreignID = String(validating: member[(second + 1 + actorCount)...], as: UTF8.self)
        else {
            return nil
        }
        self.init(time: time, actor: actor, foreignID: foreignID)
    }

    var member: [UInt8] {
        Array("\(self.time):\(self.actor.utf8.count):\(self.actor)\(self.foreignID)".utf8)
    }

    var score: Double {
        Double(self.time)
    }

    var id: ActivityID {
        ActivityID(foreignID: self.foreignID, time: self.time)
    }

    var sortedSetMember: SortedSetMember {
        SortedSetMember(member: self.member, score: self.score)
    }
}
