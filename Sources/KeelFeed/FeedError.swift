/// Input KeelFeed refuses before writing anything. Failures of the cluster itself surface as
/// `KeelError` from KeelClient.
public enum FeedError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A required field (actor, verb, foreign id, a user id) is empty.
    case emptyField(String)
    /// A field is longer than ``FeedLimits/maximumFieldBytes``.
    case fieldTooLarge(String, bytes: Int, limit: Int)
    /// The encoded activity is larger than ``FeedConfiguration/maximumActivityBytes``.
    case activityTooLarge(bytes: Int, limit: Int)
    /// An activity addresses more than ``FeedLimits/maximumRecipients`` users.
    case tooManyRecipients(count: Int, limit: Int)
    /// An activity time outside 0 ... ``FeedLimits/maximumTime``.
    case timeOutOfRange(Int64)
    /// A page size, backfill or other count outside its allowed range.
    case limitOutOfRange(String, value: Int, range: ClosedRange<Int>)
    /// Another activity with the same (foreign id, time) but different content is stored.
    case conflictingActivity(ActivityID)
    /// A cursor token that this library did not produce.
    case invalidCursor(String)

    public var description: String {
        switch self {
        case .emptyField(let field):
            return "\(field) must not be empty"
        case .fieldTooLarge(let field, let bytes, let limit):
            return "\(field) is \(bytes) bytes, more than the limit of \(limit)"
        case .activityTooLarge(let bytes, let limit):
            return "the activity encodes to \(bytes) bytes, more than the limit of \(limit)"
        case .tooManyRecipients(let count, let limit):
            return "the activity addresses \(count) users, more than the limit of \(limit)"
        case .timeOutOfRange(let time):
            return "activity time \(time) is outside 0 ... 2^53 milliseconds"
        case .limitOutOfRange(let name, let value, let range):
            return "\(name) \(value) is outside \(range.lowerBound) ... \(range.upperBound)"
        case .conflictingActivity(let id):
            return "another activity with id \(id) and different content is already stored"
        case .invalidCursor(let token):
            return "\"\(token)\" is not a feed cursor"
        }
    }
}
