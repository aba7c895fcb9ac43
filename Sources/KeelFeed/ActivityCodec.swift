/// The stored form of an ``Activity``: a version byte and length-prefixed fields, with the
/// extra fields sorted by key so that the same activity always encodes to the same bytes
/// (publishing it again is then recognised by comparing bytes).
enum ActivityCodec {
    static let version: UInt8 = 1

    static func encode(_ activity: Activity) -> [UInt8] {
        var writer = BinaryWriter()
        writer.byte(self.version)
        writer.string(activity.actor)
        writer.string(activity.verb)
        writer.string(activity.object)
        if let target = activity.target {
            writer.byte(1)
            writer.string(target)
        } else {
            writer.byte(0)
        }
        writer.int64(activity.time)
        writer.string(activity.foreignID)
        writer.varint(UInt64(activity.to.count))
        for recipient in activity.to {
            writer.string(recipient)
        }
        writer.varint(UInt64(activity.extra.count))
        for key in activity.extra.keys.sorted() {
            writer.string(key)
            writer.string(activity.extra[key]!)
        }
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> Activity {
        var reader = BinaryReader(bytes)
        guard try reader.byte() == self.version else { throw BinaryReader.Malformed() }
        let actor = try reader.string()
        let verb = try reader.string()
        let object = try reader.string()
        let target: String? = try reader.byte() == 1 ? try reader.string() : nil
        let time = try reader.int64()
        let foreignID = try reader.string()
        let recipientCount = try reader.varint()
        guard recipientCount <= UInt64(bytes.count) else { throw BinaryReader.Malformed() }
        var to: [String] = []
        for _ in 0..<recipientCount {
            to.append(try reader.string())
        }
        let extraCount = try reader.varint()
        guard extraCount <= UInt64(bytes.count) else { throw BinaryReader.Malformed() }
        var extra: [String: String] = [:]
        for _ in 0..<extraCount {
            let key = try reader.string()
            extra[key] = try reader.string()
        }
        guard reader.isAtEnd else { throw BinaryReader.Malformed() }
        return Activity(
            actor: actor, verb: verb, object: object, target: target, time: time, foreignID: foreignID, to: to, extra: extra
        )
    }
}
