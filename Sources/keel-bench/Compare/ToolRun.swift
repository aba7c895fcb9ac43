import Foundation

/// Runs another system's command-line tool to completion and captures what it prints.
struct ToolRun: Sendable {
    var executable: String
    var arguments: [String]
    var environment: [String: String] = [:]

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Standard output and standard error together.
    /// - Parameter allowFailure: return the output even when the tool exits non-zero (etcdctl
    ///   check perf does when etcd misses its target).
    func output(allowFailure: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let token = ProcessCleanup.register { _ = kill(pid, SIGKILL) }
        defer { ProcessCleanup.unregister(token) }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 || allowFailure else {
            throw Failure(description: "\((executable as NSString).lastPathComponent) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(text.suffix(2_000))")
        }
        return text
    }

    /// The full path of `name` on PATH (or in /usr/sbin, /usr/bin), if installed.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/bin"]
        return directories.map { ($0 as NSString).appendingPathComponent(name) }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

extension ToolRun {
    /// ``output()`` on a dispatch thread, so that a long run does not hold a cooperative thread.
    func outputInBackground(allowFailure: Bool = false) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try output(allowFailure: allowFailure) })
            }
        }
    }
}
