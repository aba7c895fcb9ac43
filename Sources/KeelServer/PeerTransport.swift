import Foundation
import KeelRaft
import KeelWire
import Logging
import NIOCore

/// Sends this node's Raft messages to its peers over one ``PeerLink`` each.
///
/// The driver thread calls ``enqueue(_:)`` for every message of a `Ready` and ``flush()``
/// once per step, so each peer gets one write of everything due to it. The snapshot sender
/// thread uses ``sendChunk(_:to:)``.
final class PeerTransport: @unchecked Sendable {
    // Unchecked Sendable: `outgoing` is touched by the driver thread only; `links` is guarded
    // by `lock` because the snapshot sender also looks links up.
    private let lock = NSLock()
    private var links: [UInt64: PeerLink] = [:]
    private var outgoing: [UInt64: [PeerMessage]] = [:]
    private let group: any EventLoopGroup
    private let hello: Hello
    private let maximumFrameLength: UInt32
    private let queueLimit: Int
    private let logger: Logger
    private let inbox: DriverInbox
    private let metrics: ServerMetrics
    private let ackHandler: @Sendable (UInt64, SnapshotChunkAck) -> Void

    init(
        group: any EventLoopGroup, hello: Hello, maximumFrameLength: UInt32, queueLimit: Int,
        inbox: DriverInbox, logger: Logger, metrics: ServerMetrics,
        ackHandler: @escaping @Sendable (UInt64, SnapshotChunkAck) -> Void
    ) {
        self.group = group
        self.hello = hello
        self.maximumFrameLength = maximumFrameLength
        self.queueLimit = queueLimit
        self.inbox = inbox
        self.logger = logger
        self.metrics = metrics
        self.ackHandler = ackHandler
    }

    /// Creates the link to `peer`, or points an existing one at `address`.
    func updateAddress(of peer: UInt64, to address: String) {
        lock.lock()
        defer { lock.unlock() }
        if let link = links[peer] {
            link.readdress(address)
            return
        }
        let inbox = self.inbox
        let metrics = self.metrics
        links[peer] = PeerLink(
            peerID: peer, address: address, eventLoop: group.next(), hello: hello,
            maximumFrameLength: maximumFrameLength, queueLimit: queueLimit, logger: logger,
            onUnreachable: { inbox.post(.unreachable($0)) },
            onRefused: { inbox.post(.peerDown($0)) },
            onDropped: { metrics.peers.messagesDropped.increment(by: $0) },
            onAck: ackHandler
        )
    }

    /// Closes the link to a removed member.
    func remove(_ peer: UInt64) {
        lock.lock()
        let link = links.removeValue(forKey: peer)
        lock.unlock()
        link?.close()
        outgoing[peer] = nil
    }

    /// Queues a message for the next ``flush()``.
    func enqueue(_ message: Message) {
        outgoing[message.to, default: []].append(message.wireMessage)
    }

    /// Hands every queued message to its link, one batch per peer.
    func flush() {
        guard !outgoing.isEmpty else { return }
        lock.lock()
        let current = links
        lock.unlock()
        for (peer, messages) in outgoing where !messages.isEmpty {
            if let link = current[peer] {
                link.send(messages)
            } else {
                metrics.peers.messagesDropped.increment(by: messages.count)
                inbox.post(.unreachable(peer))
            }
        }
        outgoing.removeAll(keepingCapacity: true)
    }

    /// Writes a snapshot chunk to `peer`; the future says whether it went out.
    func sendChunk(_ chunk: SnapshotChunk, to peer: UInt64) -> EventLoopFuture<Bool>? {
        lock.lock()
        let link = links[peer]
        lock.unlock()
        return link?.sendChunk(chunk)
    }

    /// Closes every link.
    func shutdown() {
        lock.lock()
        let all = links
        links.removeAll()
        lock.unlock()
        for link in all.values { link.close() }
    }
}
