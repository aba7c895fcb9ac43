import Foundation
import Prometheus
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The standard Prometheus process series (`process_cpu_seconds_total`,
/// `process_resident_memory_bytes`, `process_virtual_memory_bytes`, `process_open_fds`,
/// `process_max_fds`, `process_start_time_seconds`), read when the endpoint is scraped.
///
/// Dashboards and alerts written for any Prometheus exporter expect these names; keel-bench
/// divides the CPU series by the requests a run made to give the servers' CPU per request.
final class ProcessMetrics: Sendable {
    private let cpuSeconds: Counter
    private let residentBytes: Gauge
    private let virtualBytes: Gauge
    private let openDescriptors: Gauge
    private let maxDescriptors: Gauge
    private let startTime: Gauge
    /// The CPU time already added to the counter (a counter only moves by increments).
    private let countedCPUSeconds = Mutex<Double>(0)

    init(registry: PrometheusCollectorRegistry) {
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "process", metricName: metric, unitName: unit, helpText: help)
        }
        cpuSeconds = registry.makeCounter(descriptor: name("cpu", "seconds_total", "User and system CPU time of the process, in seconds."))
        residentBytes = registry.makeGauge(descriptor: name("resident_memory", "bytes", "Resident memory of the process, in bytes."))
        virtualBytes = registry.makeGauge(descriptor: name("virtual_memory", "bytes", "Virtual memory of the process, in bytes."))
        openDescriptors = registry.makeGauge(descriptor: name("open", "fds", "Open file descriptors."))
        maxDescriptors = registry.makeGauge(descriptor: name("max", "fds", "The process's limit on open file descriptors."))
        startTime = registry.makeGauge(descriptor: name("start_time", "seconds", "When the process started, in seconds since the Unix epoch."))
        if let started = Self.startTimeSinceEpoch() { startTime.set(started) }
        refresh()
    }

    /// Reads the process's current figures into the series.
    func refresh() {
        let cpu = Self.cpuSeconds()
        countedCPUSeconds.withLock { counted in
            if cpu > counted {
                cpuSeconds.increment(by: cpu - counted)
                counted = cpu
            }
        }
        if let (virtual, resident) = Self.memoryBytes() {
            virtualBytes.set(virtual)
            residentBytes.set(resident)
        }
        if let open = Self.openDescriptorCount() { openDescriptors.set(Double(open)) }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maxDescriptors.set(Double(limit.rlim_cur)) }
    }

    /// User plus system time of every thread, microsecond resolution (the /proc tick is 10 ms).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Virtual and resident size from `/proc/self/statm` (counted in pages).
    static func memoryBytes() -> (virtual: Double, resident: Double)? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let virtualPages = Double(fields[0]), let residentPages = Double(fields[1]) else { return nil }
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        return (virtualPages * pageSize, residentPages * pageSize)
    }

    static func openDescriptorCount() -> Int? {
        // The listing itself holds one descriptor while it runs, as every exporter's count does.
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count
    }

    /// Boot time (`btime` of `/proc/stat`) plus the process's start in clock ticks after boot
    /// (field 22 of `/proc/self/stat`).
    static func startTimeSinceEpoch() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        // The command name (field 2) may contain spaces and parentheses: count from the last ")".
        guard let nameEnd = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 (start time) is fields[19].
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        guard let bootLine = system.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
              let boot = Double(bootLine.dropFirst("btime ".count)) else { return nil }
        return boot + ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
