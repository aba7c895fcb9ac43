import KeelWire
import NIOCore
import NIOPosix
import Synchronization

/// A fault-injecting TCP proxy in front of every node's peer port.
///
/// Each node gets one ingress port on 127.0.0.1; every node is told (in `--peers`, and in the
/// address given to `add_learner`) that the node's peer address is that ingress port. A
/// connection arriving there is always a peer link from some node to this one, and its first
/// frame is the sender's `Hello`, so the proxy learns which directed link it carries
/// (`Hello.nodeID` to the node behind the port). The proxy then:
/// - refuses the connection (closes it) while that link is cut, and closes a link's open
///   connections the moment it is cut, so a partitioned node's transport sees the failures
///   and reconnect attempts a real partition produces;
/// - rewrites the `Hello`'s advertised peer address to the sender's own ingress port, because a
///   node learns its peers' addresses from their `Hello`s and would otherwise go around the
///   proxy;
/// - forwards everything else byte for byte, both ways.
///
/// Client connections go straight to the nodes' client ports: the proxy sits only between peers.
public final class PeerProxy: Sendable {
    private struct Ingress {
        var address: String
        var targetHost: String
        var targetPort: Int
        var listener: any Channel
    }

    private struct State {
        var ingress: [UInt64: Ingress] = [:]
        var cut: Set<DirectedLink> = []
        var open: [DirectedLink: [Int: [any Channel]]] = [:]
        var nextConnection = 0
        var refused = 0
    }

    private let group: any EventLoopGroup
    private let state = Mutex(State())

    /// - Parameter group: the event loops for the listeners and the proxied connections.
    public init(group: any EventLoopGroup) {
        self.group = group
    }

    /// Opens node `id`'s ingress port, forwarding to its real peer port.
    /// - Returns: the ingress address (`127.0.0.1:port`) to give the other nodes.
    public func addNode(_ id: UInt64, peerHost: String, peerPort: Int) async throws -> String {
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        IngressHandler(proxy: self, target: id, targetHost: peerHost, targetPort: peerPort)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let address = "127.0.0.1:\(listener.localAddress?.port ?? 0)"
        state.withLock {
            $0.ingress[id] = Ingress(address: address, targetHost: peerHost, targetPort: peerPort, listener: listener)
        }
        return address
    }

    /// The ingress address of node `id`, if it has one.
    public func ingressAddress(of id: UInt64) -> String? {
        state.withLock { $0.ingress[id]?.address }
    }

    /// Stops traffic on `link`: closes its open connections and refuses new ones.
    public func cut(_ link: DirectedLink) {
        let channels = state.withLock { state -> [any Channel] in
            state.cut.insert(link)
            return (state.open.removeValue(forKey: link) ?? [:]).values.flatMap { $0 }
        }
        for channel in channels { channel.close(promise: nil) }
    }

    /// Lets traffic flow on `link` again; the sender's transport reconnects by itself.
    public func heal(_ link: DirectedLink) {
        _ = state.withLock { $0.cut.remove(link) }
    }

    /// Heals every cut link.
    public func healAll() {
        state.withLock { $0.cut.removeAll() }
    }

    /// The links that are cut now.
    public var cutLinks: Set<DirectedLink> {
        state.withLock { $0.cut }
    }

    /// Connections refused or closed because their link was cut, so far.
    public var refusedConnections: Int {
        state.withLock { $0.refused }
    }

    /// Closes every listener and proxied connection.
    public func shutdown() async {
        let channels = state.withLock { state -> [any Channel] in
            let all = state.ingress.values.map(\.listener) + state.open.values.flatMap { $0.values.flatMap { $0 } }
            state.ingress.removeAll()
            state.open.removeAll()
            return all
        }
        for channel in channels {
            try? await channel.close()
        }
    }

    // MARK: For the handlers

    func isCut(_ link: DirectedLink) -> Bool {
        state.withLock {
            if $0.cut.contains(link) {
                $0.refused += 1
                return true
            }
            return false
        }
    }

    /// Records an established proxied connection (both of its channels).
    /// - Returns: its handle for ``unregister(_:of:)``, or `nil` if the link was cut meanwhile
    ///   (the caller closes the channels).
    func register(_ channels: [any Channel], on link: DirectedLink) -> Int? {
        state.withLock { state in
            guard !state.cut.contains(link) else {
                state.refused += 1
                return nil
            }
            state.nextConnection += 1
            state.open[link, default: [:]][state.nextConnection] = channels
            return state.nextConnection
        }
    }

    func unregister(_ handle: Int, of link: DirectedLink) {
        _ = state.withLock { $0.open[link]?.removeValue(forKey: handle) }
    }
}
