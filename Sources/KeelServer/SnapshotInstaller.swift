import Foundation
import KeelRaft
import KeelStore
import Logging
import RocksDB

/// Replaces the state machine by a snapshot received from the leader, crash-safely.
///
/// 1. A durable marker in the `raft` column family names the snapshot and its staging
///    directory.
/// 2. The `data` and `meta` column families are emptied with a range delete and the staged
///    SST files are ingested (copied, so the staging files survive for a redo).
/// 3. One synced write records the snapshot metadata, drops the whole log and removes the
///    marker.
/// On restart a marker means steps 2 and 3 did not both finish; they are redone from the
/// staging files. Both are idempotent: the ingested files carry newer sequence numbers than
/// the range delete before them, and a redo deletes and ingests again.
final class SnapshotInstaller: Sendable {
    let database: Database
    let stagingRoot: String
    private let logger: Logger

    init(database: Database, stagingRoot: String, logger: Logger) {
        self.database = database
        self.stagingRoot = stagingRoot
        self.logger = logger
    }

    /// Installs the staged snapshot in `directory` as `metadata`.
    func install(_ metadata: SnapshotMetadata, from directory: String, storage: RocksDBLogStorage, store: KeelStore) throws {
        try storage.markInstall(metadata, directory: directory)
        try replaceStateMachine(from: directory)
        try storage.applySnapshot(metadata)
        try store.reload()
        discard(directory)
    }

    /// Finishes an install a crash interrupted, before the core starts.
    /// - Returns: whether there was one.
    func redoPendingInstall(storage: RocksDBLogStorage, store: KeelStore) throws -> Bool {
        guard let (metadata, directory) = try storage.pendingInstall() else { return false }
        logger.info("redoing an interrupted snapshot install", metadata: ["raft.snapshot.index": "\(metadata.index)"])
        try replaceStateMachine(from: directory)
        try storage.applySnapshot(metadata)
        try store.reload()
        discard(directory)
        return true
    }

    private func replaceStateMachine(from directory: String) throws {
        for (file, familyName) in SnapshotFiles.columnFamilies {
            guard let family = database.columnFamily(named: familyName) else {
                throw StorageCorruption("column family \(familyName) is missing")
            }
            // Every key of these families starts with a tag byte below 0xFF (see KeelStore's
            // key layout), so this range covers all of them.
            try database.deleteRange(from: [UInt8](), to: [0xFF], in: family)
            let path = (directory as NSString).appendingPathComponent(file)
            if FileManager.default.fileExists(atPath: path) {
                var options = Database.IngestOptions()
                options.moveFiles = false
                try database.ingest(files: [path], into: family, options: options)
            }
        }
    }

    /// Removes a staging directory that is no longer needed.
    func discard(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
