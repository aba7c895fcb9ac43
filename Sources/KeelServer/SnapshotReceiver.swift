import Foundation
import KeelRaft
#if canImport(Glibc)
import Glibc
#endif
import KeelWire
import Logging

/// Stages the snapshot a leader streams to this node, one transfer at a time, and hands it
/// to the driver once the last chunk has arrived.
///
/// Disk writes run on a private serial queue, never on an event loop. Chunks must come in
/// order (they do: one TCP connection, each chunk acknowledged before the next is sent); any
/// gap, unknown file or checksum mismatch refuses the chunk, and the leader starts over.
final class SnapshotReceiver: @unchecked Sendable {
    // Unchecked Sendable: `current` is only touched on `queue`.
    private struct Staging {
        var index: UInt64
        var term: UInt64
        var directory: String
        var file: String?
        var handle: FileHandle?
        var offset: UInt64 = 0
    }

    private let queue = DispatchQueue(label: "keel.snapshot-receiver")
    private let stagingRoot: String
    private let inbox: DriverInbox
    private let logger: Logger
    private var current: Staging?

    init(stagingRoot: String, inbox: DriverInbox, logger: Logger) {
        self.stagingRoot = stagingRoot
        self.inbox = inbox
        self.logger = logger
    }

    /// Stages `chunk` and calls `reply` with the acknowledgement (on the receiver's queue).
    func receive(_ chunk: SnapshotChunk, reply: @escaping @Sendable (SnapshotChunkAck) -> Void) {
        queue.async {
            reply(self.stage(chunk))
        }
    }

    private func refuse(_ chunk: SnapshotChunk, _ reason: String) -> SnapshotChunkAck {
        logger.warning("snapshot chunk refused", metadata: ["snapshot.reason": "\(reason)", "raft.snapshot.index": "\(chunk.snapshotIndex)"])
        abandon()
        return SnapshotChunkAck(
            snapshotIndex: chunk.snapshotIndex, snapshotTerm: chunk.snapshotTerm, file: chunk.file,
            receivedBytes: 0, isAccepted: false, message: reason, isLast: chunk.isLast
        )
    }

    private func abandon() {
        guard let staging = current else { return }
        try? staging.handle?.close()
        try? FileManager.default.removeItem(atPath: staging.directory)
        current = nil
    }

    private func stage(_ chunk: SnapshotChunk) -> SnapshotChunkAck {
        if chunk.isLast {
            return finish(chunk)
        }
        guard SnapshotFiles.columnFamily(of: chunk.file) != nil else {
            return refuse(chunk, "unknown snapshot file \"\(chunk.file)\"")
        }
        guard CRC32C.checksum(chunk.data) == chunk.checksum else {
            return refuse(chunk, "checksum mismatch")
        }
        let isNewTransfer = current.map { $0.index != chunk.snapshotIndex || $0.term != chunk.snapshotTerm } ?? true
        let isRestart = chunk.offset == 0 && current?.file == chunk.file
        if isNewTransfer || isRestart {
            abandon()
            let directory = (stagingRoot as NSString).appendingPathComponent(
                "in-\(chunk.snapshotIndex)-\(chunk.snapshotTerm)-\(UUID().uuidString)"
            )
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                return refuse(chunk, "cannot create the staging directory: \(error)")
            }
            current = Staging(index: chunk.snapshotIndex, term: chunk.snapshotTerm, directory: directory)
        }
        guard var staging = current else { return refuse(chunk, "no transfer") }
        do {
            if staging.file != chunk.file {
                guard chunk.offset == 0 else { return refuse(chunk, "file \(chunk.file) does not start at offset 0") }
                try staging.handle?.synchronize()
                try staging.handle?.close()
                let path = (staging.directory as NSString).appendingPathComponent(chunk.file)
                guard FileManager.default.createFile(atPath: path, contents: nil),
                      let handle = FileHandle(forWritingAtPath: path) else {
                    return refuse(chunk, "cannot create \(chunk.file)")
                }
                staging.file = chunk.file
                staging.handle = handle
                staging.offset = 0
            }
            guard chunk.offset == staging.offset else {
                return refuse(chunk, "expected offset \(staging.offset), got \(chunk.offset)")
            }
            try staging.handle?.write(contentsOf: chunk.data)
            staging.offset += UInt64(chunk.data.count)
        } catch {
            return refuse(chunk, "disk error: \(error)")
        }
        current = staging
        return SnapshotChunkAck(
            snapshotIndex: chunk.snapshotIndex, snapshotTerm: chunk.snapshotTerm, file: chunk.file,
            receivedBytes: staging.offset, isAccepted: true
        )
    }

    private func finish(_ chunk: SnapshotChunk) -> SnapshotChunkAck {
        guard let staging = current, staging.index == chunk.snapshotIndex, staging.term == chunk.snapshotTerm else {
            return refuse(chunk, "last chunk of a transfer that was not staged")
        }
        guard let wire = chunk.message, wire.kind == .snapshot, let message = try? Message(wire: wire) else {
            return refuse(chunk, "last chunk without a snapshot message")
        }
        do {
            try staging.handle?.synchronize()
            try staging.handle?.close()
            // The file names must be durable too: a crash during the install redoes it from
            // these files.
            let directory = open(staging.directory, O_RDONLY)
            if directory >= 0 {
                _ = fsync(directory)
                _ = close(directory)
            }
        } catch {
            return refuse(chunk, "disk error: \(error)")
        }
        current = nil
        // The driver owns the directory from here on (installs or discards it).
        inbox.post(.snapshotStaged(message, directory: staging.directory))
        return SnapshotChunkAck(
            snapshotIndex: chunk.snapshotIndex, snapshotTerm: chunk.snapshotTerm, file: "",
            receivedBytes: staging.offset, isAccepted: true, isLast: true
        )
    }
}
