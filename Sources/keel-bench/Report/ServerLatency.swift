import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Latency as the servers measured it: from a request's arrival to its answer, summed over
/// every node's `keel_client_request_seconds` histogram (Prometheus buckets, all outcomes) for
/// one request type, between two scrapes.
///
/// The buckets are coarse (0.25, 0.5, 1, 2, 5 ms, ...), so percentiles are given as the upper
/// bound of the bucket that holds them ("at most"), and the share answered within 1 ms exactly.
struct ServerLatency: Codable, Sendable {
    /// The metric's `type` label, e.g. `zset_read`.
    var requestType: String
    var requests: Int
    /// Fraction of the requests answered within 1 ms.
    var withinOneMillisecond: Double
    /// Upper bounds, in ms, of the buckets holding p50, p90 and p99; `nil` past the last bucket.
    var p50AtMost: Double?
    var p90AtMost: Double?
    var p99AtMost: Double?

    /// Cumulative counts per bucket bound (seconds) for each request type, summed over nodes.
    typealias Scrape = [String: [Double: Double]]

    static let metricName = "keel_client_request_seconds_bucket"

    /// Reads `GET /metrics` from every address and sums the request-latency buckets.
    static func scrape(_ addresses: [String]) async throws -> Scrape {
        var total: Scrape = [:]
        for address in addresses {
            guard let url = URL(string: "http://\(address)/metrics") else { continue }
            let (data, _) = try await URLSession.shared.data(from: url)
            for (type, buckets) in parse(String(decoding: data, as: UTF8.self)) {
                total[type, default: [:]].merge(buckets, uniquingKeysWith: +)
            }
        }
        return total
    }

    /// The bucket lines of Prometheus text exposition, summed over the other labels.
    static func parse(_ text: String) -> Scrape {
        var result: Scrape = [:]
        for line in text.split(separator: "\n") where line.hasPrefix(metricName + "{") {
            guard let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") else { continue }
            var labels: [Substring: Substring] = [:]
            for pair in line[line.index(after: open)..<close].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[parts[0]] = parts[1].dropFirst().dropLast()  // the quotes
            }
            guard let type = labels["type"], let bound = labels["le"].flatMap({ $0 == "+Inf" ? Double.infinity : Double($0) }),
                let count = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces))
            else { continue }
            result[String(type), default: [:]][bound, default: 0] += count
        }
        return result
    }

    /// What `type`'s requests between the two scrapes took; `nil` when there were none.
    init?(type: String, before: Scrape, after: Scrape) {
        let later = after[type] ?? [:]
        let earlier = before[type] ?? [:]
        let buckets = later.keys.sorted().map { bound in (bound: bound, count: later[bound]! - (earlier[bound] ?? 0)) }
        guard let total = buckets.last?.count, total > 0 else { return nil }
        func atMost(_ quantile: Double) -> Double? {
            guard let bucket = buckets.first(where: { $0.count >= quantile * total }), bucket.bound.isFinite else { return nil }
            return bucket.bound * 1000
        }
        requestType = type
        requests = Int(total)
        withinOneMillisecond = (buckets.first { $0.bound == 0.001 }?.count ?? 0) / total
        p50AtMost = atMost(0.5)
        p90AtMost = atMost(0.9)
        p99AtMost = atMost(0.99)
    }

    /// One line for people.
    var summary: String {
        func bound(_ value: Double?) -> String { value.map { "<= \(LatencySummary.format($0)) ms" } ?? "> 10 s" }
        return "server-side \(requestType) (all nodes, keel_client_request_seconds): \(WorkloadReport.grouped(Double(requests))) requests, "
            + String(format: "%.2f", withinOneMillisecond * 100) + " % within 1 ms; p50 \(bound(p50AtMost)), p90 \(bound(p90AtMost)), p99 \(bound(p99AtMost))"
    }
}
