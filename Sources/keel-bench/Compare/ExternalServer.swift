import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server process of another system (etcd, Redis) that this program started: stopped by
/// ``stop()``, killed by ``kill()``, and killed as well if the program is interrupted.
final class ExternalServer: @unchecked Sendable {
    // @unchecked: `process` and `cleanupToken` are only touched with `lock` held.
    let name: String
    private let executable: String
    private let arguments: [String]
    private let logFile: String
    private var process: Process?
    private var cleanupToken: Int?
    private let lock = NSLock()

    init(name: String, executable: String, arguments: [String], logFile: String) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.logFile = logFile
    }

    func start() throws {
        try lock.withLock {
            guard process == nil else { return }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            if !FileManager.default.fileExists(atPath: logFile) { _ = FileManager.default.createFile(atPath: logFile, contents: nil) }
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
            log.seekToEndOfFile()
            process.standardOutput = log
            process.standardError = log
            process.standardInput = FileHandle.nullDevice
            try process.run()
            try? log.close()
            self.process = process
            let pid = process.processIdentifier
            cleanupToken = ProcessCleanup.register { _ = Glibc.kill(pid, SIGKILL) }
        }
    }

    /// SIGKILL, then wait for the process to be gone.
    func kill() {
        guard let process = take() else { return }
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGTERM, with SIGKILL after `timeout` seconds.
    func stop(timeout: TimeInterval = 10) {
        guard let process = take() else { return }
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }

    private func take() -> Process? {
        lock.withLock {
            defer {
                process = nil
                if let cleanupToken { ProcessCleanup.unregister(cleanupToken) }
                cleanupToken = nil
            }
            return process
        }
    }

    /// The last lines of the server's log, for error messages.
    func logTail(lines: Int = 20) -> String {
        guard let text = try? String(contentsOfFile: logFile, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
