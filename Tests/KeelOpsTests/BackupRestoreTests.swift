import Foundation
import XCTest

/// docs/operations.md, "Backups": a copy of a stopped follower's data directory restores as a
/// one-node cluster (cluster/recover) holding everything committed before the copy.
final class BackupRestoreTests: XCTestCase {
    private var cluster: ScriptedCluster!
    private var backup: String!

    override func setUpWithError() throws {
        cluster = try ScriptedCluster()
        backup = FileManager.default.temporaryDirectory.appendingPathComponent("keel-backup-\(UUID().uuidString)").path
    }

    override func tearDown() {
        cluster?.shutdown()
        cluster = nil
        if let backup { try? FileManager.default.removeItem(atPath: backup) }
    }

    func testCopyOfAStoppedFollowerRestoresAsANewCluster() throws {
        try cluster.runSuccessfully("up")
        for index in 1...10 {
            XCTAssertEqual(try cluster.keelctl(["kv", "put", "before-\(index)", "v\(index)"]).status, 0)
        }
        let leader = try XCTUnwrap(try cluster.status().leader)
        let follower = try XCTUnwrap((1...3).first { UInt64($0) != leader })
        try cluster.waitFor("node \(follower) to catch up") { () -> Bool? in
            try cluster.status().nodes.first { $0.id == UInt64(follower) }?.lag == 0 ? true : nil
        }

        // Snapshot first so the copy carries a compact log, then copy the stopped node.
        let snapshot = try cluster.keelctl(["snapshot", "--node", "\(follower)"])
        XCTAssertEqual(snapshot.status, 0, snapshot.output)
        try cluster.runSuccessfully("stop", "\(follower)")
        let data = (cluster.root as NSString).appendingPathComponent("data/node\(follower)")
        try FileManager.default.copyItem(atPath: data, toPath: backup)
        try cluster.runSuccessfully("start", "\(follower)")
        XCTAssertEqual(try cluster.keelctl(["kv", "put", "after-backup", "x"]).status, 0)

        // Disaster: everything is gone. Restore the copy as node `follower`'s data.
        try cluster.runSuccessfully("clean")
        XCTAssertEqual(cluster.livePIDs, [])
        try FileManager.default.createDirectory(
            atPath: (cluster.root as NSString).appendingPathComponent("data"), withIntermediateDirectories: true
        )
        try FileManager.default.copyItem(atPath: backup, toPath: data)
        try cluster.runSuccessfully("recover", "\(follower)")

        let endpoint = ["--endpoints", cluster.clientAddress(follower)]
        for index in [1, 5, 10] {
            let read = try cluster.keelctl(["kv", "get", "before-\(index)"] + endpoint)
            XCTAssertEqual(read.output.trimmingCharacters(in: .whitespacesAndNewlines), "v\(index)", read.output)
        }
        XCTAssertEqual(try cluster.keelctl(["kv", "get", "after-backup"] + endpoint).status, 9)
        XCTAssertEqual(try cluster.keelctl(["kv", "put", "after-restore", "y"] + endpoint).status, 0)
        try cluster.runSuccessfully("down")
        XCTAssertEqual(cluster.livePIDs, [])
    }
}
