import Foundation
import KeelRaft
import KeelWire
import Logging
import NIOCore
import RocksDB

/// Streams the state machine to followers that need entries the leader has compacted.
///
/// For each transfer a thread pins a RocksDB snapshot, writes the `data` and `meta` column
/// families as it sees them into SST files (SSTFileWriter: the follower ingests exactly these
/// files, and only the two state-machine families travel, not the Raft log a checkpoint would
/// also copy), then sends them in checksummed chunks and waits for each acknowledgement. The
/// data may be newer than the snapshot's metadata index (it is read when the transfer starts),
/// which is safe: the store records its own applied index with the data and skips entries it
/// already holds when the follower's log replays them.
final class SnapshotSender: @unchecked Sendable {
    // Unchecked Sendable: `active` is guarded by `lock`; the rest is immutable.
    private final class Transfer: @unchecked Sendable {
        // Unchecked Sendable: `acks` is guarded by `condition`.
        let condition = NSCondition()
        var acks: [SnapshotChunkAck] = []

        func deliver(_ ack: SnapshotChunkAck) {
            condition.lock()
            acks.append(ack)
            condition.signal()
            condition.unlock()
        }

        func next(before deadline: Date) -> SnapshotChunkAck? {
            condition.lock()
            defer { condition.unlock() }
            while acks.isEmpty {
                if !condition.wait(until: deadline) { return nil }
            }
            return acks.removeFirst()
        }
    }

    private let database: Database
    private let stagingRoot: String
    private let chunkBytes: Int
    private let inbox: DriverInbox
    private let logger: Logger
    private let metrics: ServerMetrics
    private let lock = NSLock()
    private var active: [UInt64: Transfer] = [:]
    private var stopped = false
    /// Set once the transport exists (the two refer to each other).
    private var transport: PeerTransport?

    init(database: Database, stagingRoot: String, chunkBytes: Int, inbox: DriverInbox, logger: Logger, metrics: ServerMetrics) {
        self.database = database
        self.stagingRoot = stagingRoot
        self.chunkBytes = chunkBytes
        self.inbox = inbox
        self.logger = logger
        self.metrics = metrics
    }

    func attach(_ transport: PeerTransport) {
        lock.withLock { self.transport = transport }
    }

    /// Starts streaming for the core's snapshot `message`, unless a transfer to that peer
    /// is already running.
    func start(_ message: Message) {
        let peer = message.to
        let transfer = Transfer()
        let started: Bool = lock.withLock {
            guard !stopped, active[peer] == nil, transport != nil else { return false }
            active[peer] = transfer
            return true
        }
        guard started else { return }
        NamedThread.start("keel-snap-send") { [self] in
            let success = self.stream(message, transfer: transfer)
            self.lock.withLock { self.active[peer] = nil }
            if success { self.metrics.snapshots.sent.increment() }
            self.inbox.post(.snapshotReport(peer: peer, success: success))
        }
    }

    /// Routes a follower's acknowledgement to the transfer waiting for it.
    func receive(_ ack: SnapshotChunkAck, from peer: UInt64) {
        let transfer = lock.withLock { active[peer] }
        transfer?.deliver(ack)
    }

    /// Refuses new transfers; running ones end at their next acknowledgement wait.
    func shutdown() {
        lock.withLock { stopped = true }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func stream(_ message: Message, transfer: Transfer) -> Bool {
        guard let metadata = message.snapshot, let transport = lock.withLock({ self.transport }) else { return false }
        let peer = message.to
        let directory = (stagingRoot as NSString).appendingPathComponent("out-\(peer)-\(metadata.index)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var log = logger
        log[metadataKey: "peer.id"] = "\(peer)"
        log[metadataKey: "raft.snapshot.index"] = "\(metadata.index)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let files = try writeFiles(into: directory)
            log.info("streaming snapshot", metadata: ["snapshot.files": "\(files.count)"])
            for file in files {
                let path = (directory as NSString).appendingPathComponent(file)
                guard let handle = FileHandle(forReadingAtPath: path) else { return false }
                defer { try? handle.close() }
                var offset: UInt64 = 0
                while true {
                    let data = try handle.read(upToCount: chunkBytes) ?? Data()
                    if data.isEmpty { break }
                    let bytes = [UInt8](data)
                    let chunk = SnapshotChunk(
                        snapshotIndex: metadata.index, snapshotTerm: metadata.term, file: file, offset: offset,
                        data: bytes, checksum: CRC32C.checksum(bytes), isLast: false
                    )
                    guard try send(chunk, to: peer, via: transport, transfer: transfer, log: log) else { return false }
                    offset += UInt64(bytes.count)
                }
            }
            let last = SnapshotChunk(
                snapshotIndex: metadata.index, snapshotTerm: metadata.term, file: "", offset: 0, data: [],
                checksum: CRC32C.checksum([UInt8]()), isLast: true, message: message.wireMessage
            )
            return try send(last, to: peer, via: transport, transfer: transfer, log: log)
        } catch {
            log.warning("snapshot transfer failed", metadata: ["snapshot.error": "\(error)"])
            return false
        }
    }

    private func send(_ chunk: SnapshotChunk, to peer: UInt64, via transport: PeerTransport, transfer: Transfer, log: Logger) throws -> Bool {
        guard !isStopped, let future = transport.sendChunk(chunk, to: peer), try future.wait() else { return false }
        guard let ack = transfer.next(before: Date().addingTimeInterval(chunk.isLast ? 60 : 15)) else {
            log.warning("snapshot chunk not acknowledged in time")
            return false
        }
        guard ack.isAccepted, ack.snapshotIndex == chunk.snapshotIndex, ack.snapshotTerm == chunk.snapshotTerm else {
            log.warning("follower refused a snapshot chunk", metadata: ["snapshot.reason": "\(ack.message)"])
            return false
        }
        return true
    }

    /// Writes one SST file per non-empty state-machine column family, read at one pinned
    /// RocksDB snapshot so that all files show the same moment.
    private func writeFiles(into directory: String) throws -> [String] {
        let pinned = try database.makeSnapshot()
        var files: [String] = []
        for (file, familyName) in SnapshotFiles.columnFamilies {
            guard let family = database.columnFamily(named: familyName) else { continue }
            let path = (directory as NSString).appendingPathComponent(file)
            let writer = try SSTFileWriter(path: path)
            var count = 0
            try database.forEach(in: family, at: pinned) { key, value in
                try writer.put(key, value)
                count += 1
                return true
            }
            if count > 0 {
                try writer.finish()
                files.append(file)
            } else {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        return files
    }
}
