// swift-tools-version:6.1
import PackageDescription

// Module layering (arrows point down only); see docs/architecture.md.
let package = Package(
    name: "Keel",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "keel-check", targets: ["keel-check"]),
        .library(name: "KeelRaft", targets: ["KeelRaft"]),
        .executable(name: "keel-sim", targets: ["keel-sim"]),
        .executable(name: "keel-bench", targets: ["keel-bench"]),
        .executable(name: "keel-server", targets: ["keel-server"]),
        .library(name: "KeelClient", targets: ["KeelClient"]),
        .executable(name: "keelctl", targets: ["keelctl"]),
        .executable(name: "keel-chaos", targets: ["keel-chaos"]),
        .library(name: "KeelFeed", targets: ["KeelFeed"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // The Raft consensus core: pure, deterministic, standard library only.
        .target(name: "KeelRaft"),
        // Deterministic fault-injecting cluster simulator for KeelRaft (not a product).
        .target(name: "KeelRaftSimulator", dependencies: ["KeelRaft"]),
        .executableTarget(
            name: "keel-sim",
            dependencies: [
                "KeelRaftSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Every benchmark: the Raft core and the store's apply path in process, load against a
        // cluster through KeelClient and KeelFeed, the fsync probe, `make bench` and
        // `make bench-compare`.
        .executableTarget(
            name: "keel-bench",
            dependencies: [
                "KeelRaft",
                "KeelStore",
                "RocksDB",
                "KeelClient",
                "KeelFeed",
                "KeelTestKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .testTarget(name: "KeelRaftTests", dependencies: ["KeelRaft", "KeelRaftSimulator"]),
        // RocksDB's C API through pkg-config; only the RocksDB target imports it.
        .systemLibrary(
            name: "CRocksDB",
            pkgConfig: "rocksdb",
            providers: [.apt(["librocksdb-dev"])]
        ),
        // The Swift wrapper over RocksDB that the rest of Keel uses.
        .target(
            name: "RocksDB",
            dependencies: ["CRocksDB"]
        ),
        .testTarget(
            name: "RocksDBTests",
            dependencies: ["RocksDB"]
        ),
        // Wire schema: keel.proto and the C code protoc-c generates from it (`make proto`).
        .target(
            name: "CKeelProto",
            exclude: ["keel.proto"],
            linkerSettings: [.linkedLibrary("protobuf-c")]
        ),
        // Preface, frame codec and Swift message types; no sockets.
        .target(
            name: "KeelWire",
            dependencies: [
                "CKeelProto",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "KeelWireTests",
            dependencies: [
                "KeelRaft",
                "KeelWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        // The replicated state machine: commands, their encoding, apply and queries.
        .target(
            name: "KeelStore",
            dependencies: ["RocksDB"]
        ),
        .testTarget(
            name: "KeelStoreTests",
            dependencies: ["KeelRaft", "KeelStore", "RocksDB"]
        ),
        // History format and linearizability checker for fault-injection runs; depends on
        // no other Keel module so that any tool can check a history file.
        .target(
            name: "KeelLinearizability"
        ),
        .executableTarget(
            name: "keel-check",
            dependencies: [
                "KeelLinearizability",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "KeelLinearizabilityTests",
            dependencies: ["KeelRaft", "KeelLinearizability"],
            resources: [.copy("Fixtures")]
        ),
        // One database node: Raft log on RocksDB, the driver loop, peer transport, snapshots,
        // the client and admin service.
        .target(
            name: "KeelServer",
            dependencies: [
                "KeelRaft",
                "KeelStore",
                "KeelWire",
                "RocksDB",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "keel-server",
            dependencies: [
                "KeelServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Test support: real keel-server processes on loopback and a minimal wire client.
        .target(
            name: "KeelTestKit",
            dependencies: ["KeelWire"]
        ),
        .testTarget(
            name: "KeelServerTests",
            dependencies: [
                "KeelServer",
                "KeelTestKit",
                "KeelRaft",
                "KeelStore",
                "KeelWire",
                "RocksDB",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The async/await client library: leader tracking, safe retries, pipelining.
        .target(
            name: "KeelClient",
            dependencies: [
                "KeelWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "KeelClientTests",
            dependencies: [
                "KeelClient",
                "KeelWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // keel-bench's own parts (key distributions, report parsing, generated doc sections);
        // no benchmark runs here.
        .testTarget(
            name: "KeelBenchTests",
            dependencies: ["keel-bench"]
        ),
        // Fault injection against real keel-server processes with a linearizability check of
        // the recorded history (`make chaos`); the peer proxy that makes partitions.
        .target(
            name: "KeelChaos",
            dependencies: [
                "KeelRaft",
                "KeelClient",
                "KeelLinearizability",
                "KeelTestKit",
                "KeelWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "keel-chaos",
            dependencies: [
                "KeelChaos",
                "KeelTestKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "KeelChaosTests",
            dependencies: [
                "KeelChaos",
                "KeelLinearizability",
                "KeelWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // KeelClient against real keel-server processes (needs `swift build` of keel-server).
        .testTarget(
            name: "KeelClientIntegrationTests",
            dependencies: [
                "KeelClient",
                "KeelTestKit",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The admin command line: cluster status, membership, leadership, snapshots, keys,
        // sorted sets and activity feeds.
        .executableTarget(
            name: "keelctl",
            dependencies: [
                "KeelClient",
                "KeelFeed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The cluster/ scripts, keelctl and the metrics endpoint, run as an operator would
        // (needs `swift build` of keel-server and keelctl).
        .testTarget(
            name: "KeelOpsTests",
            dependencies: ["KeelTestKit"]
        ),
        // Activity feeds on KeelClient: follows, fanout on write and on read, timelines.
        .target(
            name: "KeelFeed",
            dependencies: ["KeelClient"]
        ),
        // KeelFeed against real keel-server processes, plus its pure parts.
        .testTarget(
            name: "KeelFeedTests",
            dependencies: [
                "KeelRaft",
                "KeelFeed",
                "KeelClient",
                "KeelTestKit",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
