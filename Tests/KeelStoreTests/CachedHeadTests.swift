@testable import KeelStore
import RocksDB
import XCTest

/// Long feeds trimmed over many groups, so trims take their victims from cached heads, while
/// other commands change the members at and around the head; checked against the reference
/// after every group.
final class CachedHeadTests: StoreTestCase {
    func testTrimsFromCachedHeadsMatchTheReference() throws {
        try checkTrimsFromCachedHeads(entryKeyed: false)
    }

    /// The same with entry-keyed feeds (where only entries above the cached head leave it as
    /// it was).
    func testEntryKeyedTrimsFromCachedHeadsMatchTheReference() throws {
        try checkTrimsFromCachedHeads(entryKeyed: true)
    }

    private func checkTrimsFromCachedHeads(entryKeyed: Bool) throws {
        var generator = SeededGenerator(seed: entryKeyed ? 43 : 42)
        var model = ReferenceStore()
        let feeds = [bytes("feed"), bytes("feed2")]
        let pool = (0..<60).map { bytes("p\($0)") }
        var clock = 0.0
        for group in 0..<150 {
            var envelopes: [CommandEnvelope] = []
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let feed = feeds[Int.random(in: 0..<feeds.count, using: &generator)]
                let member = pool[Int.random(in: 0..<pool.count, using: &generator)]
                clock += 1
                let command: Command
                switch Int.random(in: 0..<100, using: &generator) {
                case 0..<60:
                    // The feed pattern: a new high score, trimmed to a length above the head's.
                    let maxLength = UInt64(Int.random(in: 12...20, using: &generator))
                    command = entryKeyed
                        ? .addEntryToMany(sets: feeds, entry: ScoredMember(member: bytes("post\(group)-\(clock)"), score: clock), maxLength: maxLength)
                        : .addToMany(sets: feeds, member: bytes("post\(group)-\(clock)"), score: clock, mode: .upsert, maxLength: maxLength)
                case 60..<70:
                    // A low score lands inside (or before) the cached head.
                    let scored = ScoredMember(member: member, score: clock - Double(Int.random(in: 0...40, using: &generator)))
                    command = entryKeyed
                        ? .addEntries(set: feed, entries: [scored], maxLength: 16)
                        : .add(set: feed, members: [scored], mode: .upsert, maxLength: 16)
                case 70..<78:
                    if entryKeyed, let held = model.entries(feed).randomElement(using: &generator) {
                        // An entry the feed holds (often one in the cached head), and one it may not.
                        command = .removeEntries(set: feed, entries: [ScoredMember(member: held.member, score: held.score), ScoredMember(member: member, score: clock - 5)])
                    } else {
                        command = .remove(set: feed, members: [member, pool[Int.random(in: 0..<pool.count, using: &generator)]])
                    }
                case 78..<86:
                    let low = clock - Double(Int.random(in: 10...40, using: &generator))
                    command = .removeByScoreRange(set: feed, minimum: low, maximum: low + 3)
                case 86..<94:
                    command = .trim(set: feed, maxLength: UInt64(Int.random(in: 1...14, using: &generator)))
                case 94..<97:
                    let scored = ScoredMember(member: member, score: clock + 100)
                    command = entryKeyed
                        ? .addEntries(set: feed, entries: [scored], maxLength: nil)
                        : .add(set: feed, members: [scored], mode: .onlyIfGreater, maxLength: nil)
                default:
                    command = .deleteSet(set: feed)
                }
                envelopes.append(envelope(command))
            }
            let expected = envelopes.map { model.apply($0.command) }
            XCTAssertEqual(try applyGroup(envelopes), expected, "group \(group)")
            for feed in feeds {
                let name = String(decoding: feed, as: UTF8.self)
                XCTAssertEqual(try allMembers(name, pageSize: 50), model.entries(feed).map { ScoredMember(member: $0.member, score: $0.score) }, "group \(group) \(name)")
            }
            if group % 50 == 49 {
                try reopenStore()
            }
        }
    }
}
