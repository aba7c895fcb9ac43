import Foundation
import KeelTestKit
import KeelWire
import XCTest

/// The `keel-server` command line: configuration file, refused arguments, graceful exit.
final class ExecutableTests: XCTestCase {
    private var directory: String!
    private var process: Process?

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-exe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try FileManager.default.removeItem(atPath: directory)
    }

    private func run(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try LocalCluster.serverExecutable())
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        return process
    }

    func testASingleNodeStartsFromAConfigurationFileAndStopsOnSIGTERM() throws {
        let clientPort = try LocalCluster.freePort()
        let peerPort = try LocalCluster.freePort()
        let configuration = """
        # one-node cluster
        id = 1
        cluster-id = "solo"
        client-address = 127.0.0.1:\(clientPort)
        peer-address = 127.0.0.1:\(peerPort)
        peers = 1=127.0.0.1:\(peerPort)
        data-dir = \(directory!)/data
        tick-ms = 20
        """
        let path = (directory as NSString).appendingPathComponent("node.conf")
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        let process = try run(["--config", path])

        let deadline = Date().addingTimeInterval(20)
        var written = false
        while !written && Date() < deadline {
            if let client = try? WireClient(port: clientPort, clusterID: "solo", receiveTimeout: 2),
               case .put? = try? client.call(.write(.put(key: [1], value: [2]))) {
                written = true
            } else {
                usleep(50_000)
            }
        }
        XCTAssertTrue(written, "the configured node never accepted a write")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testMissingOrInvalidArgumentsAreRefused() throws {
        for arguments in [
            ["--cluster-id", "c", "--client-address", "127.0.0.1:1", "--peer-address", "127.0.0.1:2", "--data-dir", directory!],
            ["--id", "1", "--cluster-id", "c", "--client-address", "127.0.0.1:1", "--peer-address", "127.0.0.1:2",
             "--data-dir", directory!, "--peers", "2=127.0.0.1:3"],
            ["--id", "1", "--cluster-id", "c", "--client-address", "127.0.0.1:1", "--peer-address", "127.0.0.1:2",
             "--data-dir", directory!, "--peers", "one=127.0.0.1:3"],
        ] {
            let process = try run(arguments)
            process.waitUntilExit()
            XCTAssertNotEqual(process.terminationStatus, 0, "\(arguments) was accepted")
        }
    }
}
