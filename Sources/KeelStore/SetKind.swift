/// How a sorted set identifies what it holds. A set takes the kind of the command that makes it
/// non-empty and keeps it until it is empty again; a command of the other kind fails with
/// ``StoreError/wrongSetKind`` and changes nothing. Ranges, counts, trims, removal by score and
/// deleting the set work on both kinds.
public enum SetKind: UInt8, Sendable, Hashable {
    /// A member is its bytes and has one score: an add of a member already there updates its
    /// score (by the add mode), and a removal names the member alone. The store keeps a member
    /// index (member -> score) next to the entries ordered by score.
    case memberKeyed = 0
    /// An entry is its (score, member) pair: adding a pair already there changes nothing, the
    /// same member with another score is another entry, and a removal names both. The store
    /// keeps the ordered entries only, so a fanout insert writes about half as many RocksDB keys
    /// (docs/storage.md). Made for timelines, whose members (activity references) carry their
    /// time, the score.
    case entryKeyed = 1
}
