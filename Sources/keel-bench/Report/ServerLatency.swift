import Foundation

/// Latency as the servers measured it, from one Prometheus histogram family summed over every
/// node, for one series (label value) of it, between two scrapes: a request's arrival to its
/// answer (`keel_client_request_seconds`, by request type, all outcomes), or how long a
/// linearizable read waited in each phase (`keel_raft_read_wait_seconds`, by phase).
///
/// The buckets are coarse (0.25, 0.5, 1, 2, 5 ms, ...), so percentiles are given as the upper
/// bound of the bucket that holds them ("at most"), and the shares within 1 and 5 ms exactly.
struct ServerLatency: Codable, Sendable {
    /// A histogram family the servers export and the label that tells its series apart.
    struct Family: Sendable {
        var name: String
        var label: String
        /// What one observation is, for the summary.
        var noun: String

        /// Every client request, by `type` (e.g. `zset_read`).
        static let clientRequests = Family(name: "keel_client_request_seconds", label: "type", noun: "requests")
        /// The waits of linearizable reads on the leader, by `phase`: `queue` (in the driver's
        /// inbox), `confirm` (the ReadIndex round) and `apply` (for the entries before the read
        /// index that touch its data).
        static let readWaits = Family(name: "keel_raft_read_wait_seconds", label: "phase", noun: "reads")
    }

    /// The family's name, e.g. `keel_client_request_seconds`.
    var metric: String
    /// The series' label value, e.g. `zset_read` or `confirm`.
    var series: String
    var observations: Int
    var noun: String
    /// Fractions of the observations within 1 ms and within 5 ms.
    var withinOneMillisecond: Double
    var withinFiveMilliseconds: Double
    /// Upper bounds, in ms, of the buckets holding p50, p90 and p99; `nil` past the last bucket.
    var p50AtMost: Double?
    var p90AtMost: Double?
    var p99AtMost: Double?

    /// Cumulative counts per bucket bound (seconds) for each series, summed over nodes.
    typealias Scrape = [String: [Double: Double]]

    /// `family`'s buckets in every node's text (``MetricsText/fetch(_:)``), summed.
    static func sum(_ texts: [String], _ family: Family) -> Scrape {
        var total: Scrape = [:]
        for text in texts {
            for (series, buckets) in parse(text, family) {
                total[series, default: [:]].merge(buckets, uniquingKeysWith: +)
            }
        }
        return total
    }

    /// `family`'s bucket lines of Prometheus text exposition, summed over the other labels.
    static func parse(_ text: String, _ family: Family) -> Scrape {
        var result: Scrape = [:]
        let prefix = family.name + "_bucket{"
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            guard let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") else { continue }
            var labels: [Substring: Substring] = [:]
            for pair in line[line.index(after: open)..<close].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[parts[0]] = parts[1].dropFirst().dropLast()  // the quotes
            }
            guard let series = labels[Substring(family.label)],
                let bound = labels["le"].flatMap({ $0 == "+Inf" ? Double.infinity : Double($0) }),
                let count = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces))
            else { continue }
            result[String(series), default: [:]][bound, default: 0] += count
        }
        return result
    }

    /// What `series` of `family` observed between the two scrapes; `nil` when nothing.
    init?(_ series: String, of family: Family, before: Scrape, after: Scrape) {
        let later = after[series] ?? [:]
        let earlier = before[series] ?? [:]
        let buckets = later.keys.sorted().map { bound in (bound: bound, count: later[bound]! - (earlier[bound] ?? 0)) }
        guard let total = buckets.last?.count, total > 0 else { return nil }
        func atMost(_ quantile: Double) -> Double? {
            guard let bucket = buckets.first(where: { $0.count >= quantile * total }), bucket.bound.isFinite else { return nil }
            return bucket.bound * 1000
        }
        metric = family.name
        self.series = series
        observations = Int(total)
        noun = family.noun
        withinOneMillisecond = (buckets.first { $0.bound == 0.001 }?.count ?? 0) / total
        withinFiveMilliseconds = (buckets.first { $0.bound == 0.005 }?.count ?? 0) / total
        p50AtMost = atMost(0.5)
        p90AtMost = atMost(0.9)
        p99AtMost = atMost(0.99)
    }

    /// One line for people.
    var summary: String {
        func bound(_ value: Double?) -> String { value.map { "<= \(LatencySummary.format($0)) ms" } ?? "> 10 s" }
        return "server-side \(series) (all nodes, \(metric)): \(WorkloadReport.grouped(Double(observations))) \(noun), "
            + String(format: "%.2f", withinOneMillisecond * 100) + " % within 1 ms, "
            + String(format: "%.2f", withinFiveMilliseconds * 100) + " % within 5 ms; p50 \(bound(p50AtMost)), p90 \(bound(p90AtMost)), p99 \(bound(p99AtMost))"
    }
}
