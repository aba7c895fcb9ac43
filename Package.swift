// swift-tools-version:6.1
import PackageDescription

// Module layering (arrows point down only); see docs/architecture.md.
let package = Package(
    name: "Keel",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "KeelRaft", targets: ["KeelRaft"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        // The Raft consensus core: pure, deterministic, standard library only.
        .target(name: "KeelRaft"),
        .testTarget(name: "KeelRaftTests", dependencies: ["KeelRaft"]),
    ]
)
