import ArgumentParser
import Foundation

/// Latency of one small appending write followed by `fdatasync`, the operation every Raft log
/// append waits for: the disk's share of a write's latency.
struct FsyncProbe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsync-probe", abstract: "Latency of write + fdatasync of small appends in --directory."
    )

    @Option(help: "Directory on the disk to measure (default: the temporary directory, where --local keeps its data).")
    var directory: String?

    @Option(help: "Appends measured.")
    var writes = 200

    @Option(help: "Bytes per append.")
    var size = 4096

    @Option(help: "Also write the result as JSON to this file ('-' prints JSON instead of the table).")
    var json: String?

    func validate() throws {
        guard writes >= 1, size >= 1 else { throw ValidationError("--writes and --size must be positive") }
    }

    func run() throws {
        let report = try Self.measure(directory: directory, writes: writes, size: size)
        if json == "-" {
            print(report.jsonText)
            return
        }
        print(report.table)
        if let json { try Data((report.jsonText + "\n").utf8).write(to: URL(fileURLWithPath: json)) }
    }

    /// Appends `writes` blocks of `size` bytes to a new file in `directory`, each followed by
    /// `fdatasync`, and removes the file.
    static func measure(directory: String?, writes: Int, size: Int) throws -> WorkloadReport {
        let folder = directory ?? FileManager.default.temporaryDirectory.path
        let path = (folder as NSString).appendingPathComponent("keel-fsync-probe-\(UUID().uuidString)")
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else { throw ValidationError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer {
            close(descriptor)
            unlink(path)
        }
        let block = [UInt8](repeating: 0x5A, count: size)
        let loadBefore = MachineDescription.loadAverage()
        var histogram = LatencyHistogram()
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<writes {
            let began = clock.now
            let written = block.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == size, fdatasync(descriptor) == 0 else {
                throw ValidationError("write or fdatasync failed: \(String(cString: strerror(errno)))")
            }
            histogram.record(clock.now - began)
        }
        return WorkloadReport(
            workload: "fsync-probe", command: "fsync-probe --directory \(folder) --writes \(writes) --size \(size)",
            settings: ["directory": folder, "size": "\(size)"], requests: writes, operations: writes,
            operationName: "requests", errors: 0, seconds: LatencyHistogram.seconds(clock.now - started),
            latency: histogram.summary, loadAverageBefore: loadBefore
        )
    }
}
