@testable import KeelStore
import XCTest

/// The short list and the dictionary it grows into answer alike; checked against a plain
/// dictionary through the switch-over.
final class TouchedMembersTests: XCTestCase {
    func testAnswersMatchADictionaryBeforeAndAfterGrowing() {
        var generator = SeededGenerator(seed: 5)
        var touched = TouchedMembers()
        var expected: [[UInt8]: UInt64?] = [:]
        // Members that share prefixes, the empty member, and more than the list holds.
        let pool = (0..<(3 * TouchedMembers.listLimit)).map { Array("m\($0)".utf8) } + [[], [0], [0, 0]]
        XCTAssertTrue(touched.isEmpty)
        for step in 0..<400 {
            let member = pool[Int(generator.next(below: UInt64(pool.count)))]
            let score: UInt64? = generator.chance(1, in: 4) ? nil : generator.next(below: 100)
            touched.set(score, for: member)
            expected.updateValue(score, forKey: member)
            XCTAssertFalse(touched.isEmpty)
            for probe in pool {
                XCTAssertEqual(touched.lookup(probe), expected[probe], "step \(step)")
                XCTAssertEqual(touched.contains(probe), expected[probe] != nil, "step \(step)")
            }
            var visited: [[UInt8]: UInt64?] = [:]
            touched.forEach { member, score in
                XCTAssertFalse(visited.updateValue(score, forKey: member) != nil, "visited twice")
            }
            XCTAssertEqual(visited, expected, "step \(step)")
            if step == 200 {
                touched.removeAll()
                expected.removeAll()
                XCTAssertTrue(touched.isEmpty)
                XCTAssertTrue(touched.lookup(pool[0]) == nil)
            }
        }
    }
}
