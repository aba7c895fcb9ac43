/// The durable note of a fanout in progress, written before the fanout starts and deleted
/// (by compare-and-set on its exact bytes) when it ends. A record still present after its
/// takeover delay belongs to a publisher that died; the fanout worker runs it again.
///
/// Running a record again from the start is safe: adding a member with the same score to a
/// sorted set that holds it changes nothing, and removing an absent member changes nothing.
struct FanoutRecord: Sendable, Hashable {
    enum Work: Sendable, Hashable {
        /// Put the activity into its user feed, its recipients' notification feeds and the
        /// followers' timelines.
        case publish(Activity)
        /// Take the activity out of every feed it reached, then delete it.
        case removal(Activity)
        /// Add the producer to each follower's pulled producers.
        case pullSwitch(producer: String)
    }

    var work: Work
    /// When the work started (ms since the epoch), for the worker's takeover delay.
    var startedAt: Int64
    /// Makes two records of the same work distinct, so a finishing publisher deletes only
    /// its own record and never a removal's that replaced it.
    var nonce: UInt64

    static let version: UInt8 = 1

    func encoded() -> [UInt8] {
        var writer = BinaryWriter()
        writer.byte(Self.version)
        writer.int64(self.startedAt)
        writer.int64(Int64(bitPattern: self.nonce))
        switch self.work {
        case .publish(let activity):
            writer.byte(1)
            writer.data(ActivityCodec.encode(activity))
        case .removal(let activity):
            writer.byte(2)
            writer.data(ActivityCodec.encode(activity))
        case .pullSwitch(let producer):
            writer.byte(3)
            writer.string(producer)
        }
        return writer.bytes
    }

    init(work: Work, startedAt: Int64, nonce: UInt64 = UInt64.random(in: 1...UInt64.max)) {
        self.work = work
        self.startedAt = startedAt
        self.nonce = nonce
    }

    init(decoding bytes: [UInt8]) throws {
        var reader = BinaryReader(bytes)
        guard try reader.byte() == Self.version else { throw BinaryReader.Malformed() }
        self.startedAt = try reader.int64()
        self.nonce = UInt64(bitPattern: try reader.int64())
        switch try reader.byte() {
        case 1:
            self.work = .publish(try ActivityCodec.decode(try reader.data()))
        case 2:
            self.work = .removal(try ActivityCodec.decode(try reader.data()))
        case 3:
            self.work = .pullSwitch(producer: try reader.string())
        default:
            throw BinaryReader.Malformed()
        }
        guard reader.isAtEnd else { throw BinaryReader.Malformed() }
    }
}
