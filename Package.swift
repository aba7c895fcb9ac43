// swift-tools-version:6.1
import PackageDescription

// Module layering (arrows point down only); see docs/architecture.md.
let package = Package(
    name: "Keel",
    platforms: [.macOS(.v14)],
    products: [
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
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
            dependencies: ["KeelStore", "RocksDB"]
        ),
        // In-process micro-benchmark of KeelStore's apply path (no Raft, no network).
        .executableTarget(
            name: "keel-store-bench",
            dependencies: [
                "KeelStore",
                "RocksDB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
