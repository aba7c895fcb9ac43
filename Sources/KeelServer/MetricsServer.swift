import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// Serves the process's metrics in the Prometheus text format at `GET /metrics` on its own
/// port, as a swift-service-lifecycle `Service` that stops listening on graceful shutdown.
///
/// `keel-server` bootstraps swift-metrics with ``makeFactory(registry:)`` and runs one of
/// these next to its ``KeelNode``. The standard `process_*` series (CPU time, memory, file
/// descriptors, start time) are read at each scrape.
public final class MetricsServer: Service, Sendable {
    private let address: String
    private let registry: PrometheusCollectorRegistry
    private let process: ProcessMetrics
    private let logger: Logger
    private let group: any EventLoopGroup

    /// Creates the server; nothing listens until ``run()``.
    /// - Parameters:
    ///   - address: `host:port` to listen on.
    ///   - registry: the registry the process's metrics factory writes to.
    ///   - logger: where the server logs.
    ///   - group: the event loops for its connections.
    public init(
        address: String,
        registry: PrometheusCollectorRegistry,
        logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.address = address
        self.registry = registry
        process = ProcessMetrics(registry: registry)
        self.logger = logger
        self.group = group
    }

    /// A swift-metrics factory writing to `registry`, with histogram buckets that fit Keel's
    /// timings: fsyncs take tens of microseconds to tens of milliseconds, requests up to the
    /// default 10 second deadline.
    public static func makeFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[RaftMetrics.fsyncLabel] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        factory.durationHistogramBuckets[RaftMetrics.readWaitLabel] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        factory.durationHistogramBuckets[ClientServiceMetrics.latencyLabel] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        return factory
    }

    /// Listens until graceful shutdown.
    /// - Throws: ``ServerStartError`` for an address that is not `host:port`; NIO's error
    ///   when the port cannot be bound.
    public func run() async throws {
        guard let endpoint = HostAndPort(address) else {
            throw ServerStartError("the metrics address must be host:port")
        }
        let registry = self.registry
        let process = self.process
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(registry: registry, process: process))
                }
            }
            .bind(host: endpoint.host, port: endpoint.port)
            .get()
        logger.info("metrics endpoint listening", metadata: ["metrics.address": "\(address)"])
        try? await gracefulShutdown()
        try? await channel.close()
    }
}
