/// The identity of an ``Activity``: its foreign id and its time. Two activities with the same
/// id are the same activity.
public struct ActivityID: Sendable, Hashable, CustomStringConvertible {
    /// The caller's id for the activity.
    public var foreignID: String
    /// Milliseconds since the Unix epoch.
    public var time: Int64

    /// Creates an activity id.
    /// - Parameters:
    ///   - foreignID: The caller's id for the activity.
    ///   - time: Milliseconds since the Unix epoch.
    public init(foreignID: String, time: Int64) {
        self.foreignID = foreignID
        self.time = time
    }

    public var description: String {
        "\(self.foreignID)@\(self.time)"
    }
}
