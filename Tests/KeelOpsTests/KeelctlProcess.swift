import Foundation
import KeelTestKit

/// The built `keelctl` (next to `keel-server`) run against one cluster, with its output
/// captured in files under `directory` (a pipe could fill and stall the process).
struct KeelctlProcess {
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let executable: String
    let endpoints: String
    let clusterID: String
    let directory: String

    init(cluster: LocalCluster, directory: String) throws {
        let server = try LocalCluster.serverExecutable()
        executable = ((server as NSString).deletingLastPathComponent as NSString).appendingPathComponent("keelctl")
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(description: "keelctl is not built next to keel-server (\(executable)); run swift build --product keelctl")
        }
        endpoints = cluster.nodes.keys.sorted().map { cluster.nodes[$0]!.clientAddress }.joined(separator: ",")
        clusterID = cluster.clusterID
        self.directory = directory
    }

    /// Runs `keelctl <arguments> --endpoints ... --cluster-id ...` and waits up to `timeout`.
    func run(_ arguments: [String], timeout: TimeInterval = 60) throws -> Result {
        let name = UUID().uuidString
        let outputPath = (directory as NSString).appendingPathComponent("\(name).out")
        let errorPath = (directory as NSString).appendingPathComponent("\(name).err")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outputPath)
            try? FileManager.default.removeItem(atPath: errorPath)
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + ["--endpoints", endpoints, "--cluster-id", clusterID, "--timeout", "20"]
        // The operator's own KEEL_* settings must not steer the test's commands.
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KEEL_") }
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? output.close()
        try? error.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw Failure(description: "keelctl \(arguments) ran over \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            output: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
            error: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        )
    }
}
