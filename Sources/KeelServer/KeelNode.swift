import Foundation
import KeelRaft
import KeelStore
import KeelWire
import Logging
import NIOCore
import NIOPosix
import RocksDB
import ServiceLifecycle

/// One Keel database node as a swift-service-lifecycle `Service`: opens the data directory,
/// starts the Raft driver, the peer transport and the client service, and on graceful
/// shutdown stops accepting, lets requests in flight finish, stops the driver and closes
/// RocksDB.
public final class KeelNode: Service, Sendable {
    private let configuration: ServerConfiguration
    private let logger: Logger

    /// The software version this build announces in its handshakes.
    public static let softwareVersion = "0.1.0"

    /// Creates a node; nothing happens until ``run()``.
    /// - Parameters:
    ///   - configuration: identity, addresses, data directory and tuning.
    ///   - logger: where the node logs; metadata keys are dotted (`raft.term`, `peer.id`).
    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "node.id"] = "\(configuration.nodeID)"
        self.logger = logger
    }

    /// Runs the node until graceful shutdown is triggered.
    /// - Throws: when the data directory cannot be opened or a port cannot be bound.
    public func run() async throws {
        let configuration = self.configuration
        let logger = self.logger
        let metrics = ServerMetrics()
        guard let clientEndpoint = HostAndPort(configuration.clientAddress),
              let peerEndpoint = HostAndPort(configuration.peerAddress) else {
            throw ServerStartError("client and peer addresses must be host:port")
        }

        let fileManager = FileManager.default
        let databasePath = (configuration.dataDirectory as NSString).appendingPathComponent("db")
        let stagingRoot = (configuration.dataDirectory as NSString).appendingPathComponent("snapshots")
        try fileManager.createDirectory(atPath: databasePath, withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: stagingRoot, withIntermediateDirectories: true)

        var options = Database.Options()
        options.infoLogLevel = .warn
        // Smaller memtables than the wrapper's 64 MiB: every skip-list insert of the apply path
        // searches a shallower list (keel-bench store put: 17 % less CPU per put over 1M puts).
        options.writeBufferSize = 16 << 20
        let database = try Database(
            path: databasePath, options: options,
            columnFamilies: [RaftRecords.columnFamilyName, KeelStore.dataColumnFamilyName, KeelStore.metaColumnFamilyName]
        )
        defer { database.close() }
        let bootstrap = configuration.join ? Membership() : Membership(voters: Array(configuration.initialMembers.keys))
        let storage = try RocksDBLogStorage(database: database, bootstrapMembership: bootstrap)
        let store = try KeelStore(database: database, configuration: configuration.store)
        let installer = SnapshotInstaller(database: database, stagingRoot: stagingRoot, logger: logger)
        _ = try installer.redoPendingInstall(storage: storage, store: store)
        if configuration.forceNewCluster {
            _ = try SingleNodeRecovery(nodeID: configuration.nodeID, storage: storage, store: store, logger: logger).run()
        }
        // Staging left behind by a crash is useless now: transfers start over.
        for leftover in (try? fileManager.contentsOfDirectory(atPath: stagingRoot)) ?? [] {
            try? fileManager.removeItem(atPath: (stagingRoot as NSString).appendingPathComponent(leftover))
        }

        var addresses = try storage.addresses()
        // A forced new cluster must not learn the old members' addresses back from the
        // configuration.
        if !configuration.join && !configuration.forceNewCluster {
            for (member, peer) in configuration.initialMembers where addresses[member] == nil {
                addresses[member] = MemberAddress(peer: peer, client: "")
            }
        }
        let own = MemberAddress(peer: configuration.peerAddress, client: configuration.clientAddress)
        if addresses[configuration.nodeID] != own {
            addresses[configuration.nodeID] = own
        }
        for (member, address) in addresses { try storage.storeAddress(address, of: member) }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(2, System.coreCount))
        let inbox = DriverInbox()
        let sender = SnapshotSender(
            database: database, stagingRoot: stagingRoot, chunkBytes: configuration.snapshotChunkBytes,
            inbox: inbox, logger: logger, metrics: metrics
        )
        let hello = Hello(
            clusterID: configuration.clusterID, nodeID: configuration.nodeID, softwareVersion: Self.softwareVersion,
            peerAddress: configuration.peerAddress, clientAddress: configuration.clientAddress
        )
        let peerFrameLimit: UInt32 = 64 << 20
        let transport = PeerTransport(
            group: group, hello: hello, maximumFrameLength: peerFrameLimit, queueLimit: configuration.peerQueueLimit,
            inbox: inbox, logger: logger, metrics: metrics,
            ackHandler: { peer, ack in sender.receive(ack, from: peer) }
        )
        sender.attach(transport)
        let receiver = SnapshotReceiver(stagingRoot: stagingRoot, inbox: inbox, logger: logger)
        let driver = try RaftDriver(
            configuration: configuration, database: database, storage: storage, store: store,
            transport: transport, snapshots: sender, installer: installer, inbox: inbox,
            addresses: addresses, logger: logger, metrics: metrics
        )

        let peerServer: any Channel
        let clientServer: any Channel
        do {
            peerServer = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            ByteToMessageHandler(
                                PrefacedFrameDecoder(maximumFrameLength: peerFrameLimit),
                                maximumBufferSize: FrameDecoder.bufferLimit(forFrameLimit: peerFrameLimit)
                            ),
                            MessageToByteHandler(FrameEncoder(maximumFrameLength: peerFrameLimit)),
                            PeerConnectionHandler(
                                nodeID: configuration.nodeID, clusterID: configuration.clusterID, inbox: inbox,
                                receiver: receiver, logger: logger, metrics: metrics
                            )
                        )
                    }
                }
                .bind(host: peerEndpoint.host, port: peerEndpoint.port)
                .get()
            let executor = RequestExecutor(inbox: inbox, store: store)
            let counter = RequestCounter()
            let settings = ClientConnectionHandler.Settings(
                nodeID: configuration.nodeID, clusterID: configuration.clusterID,
                maxInFlight: configuration.maxInFlightPerConnection,
                maxResponseBytes: FrameDecoder.defaultMaximumFrameLength,
                defaultTimeoutMilliseconds: configuration.defaultTimeoutMilliseconds
            )
            let requestLimit = configuration.maxRequestBytes
            clientServer = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.autoRead, value: true)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            ByteToMessageHandler(
                                PrefacedFrameDecoder(maximumFrameLength: requestLimit),
                                maximumBufferSize: FrameDecoder.bufferLimit(forFrameLimit: requestLimit)
                            ),
                            MessageToByteHandler(FrameEncoder(maximumFrameLength: FrameDecoder.defaultMaximumFrameLength)),
                            ClientConnectionHandler(
                                settings: settings, executor: executor, counter: counter, logger: logger, metrics: metrics
                            )
                        )
                    }
                }
                .bind(host: clientEndpoint.host, port: clientEndpoint.port)
                .get()

            driver.start()
            logger.info("node started", metadata: [
                "node.client.address": "\(configuration.clientAddress)", "node.peer.address": "\(configuration.peerAddress)",
                "node.cluster": "\(configuration.clusterID)", "node.join": "\(configuration.join)",
            ])

            try? await gracefulShutdown()

            logger.info("node stopping: no new connections, finishing requests in flight")
            try? await clientServer.close()
            let deadline = Date().addingTimeInterval(5)
            while !counter.waitForZero(until: Date().addingTimeInterval(0.01)) && Date() < deadline {
                await Task.yield()
            }
            await driver.handOffLeadership()
            sender.shutdown()
            await driver.stop()
            try? await peerServer.close()
            transport.shutdown()
        } catch {
            inbox.close()
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
        try? database.flushWAL(sync: true)
        logger.info("node stopped")
    }
}
