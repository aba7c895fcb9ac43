import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The nodes' Prometheus text (`GET /metrics`), fetched once per moment and read for every
/// figure a run wants from it (latency histograms, CPU seconds).
enum MetricsText {
    /// One text per address, in order.
    static func fetch(_ addresses: [String]) async throws -> [String] {
        var texts: [String] = []
        for address in addresses {
            guard let url = URL(string: "http://\(address)/metrics") else { throw URLError(.badURL) }
            let (data, _) = try await URLSession.shared.data(from: url)
            texts.append(String(decoding: data, as: UTF8.self))
        }
        return texts
    }

    /// The value of the sample line `series value` (a series without labels, or with them
    /// spelled out) in `text`.
    static func sample(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }
}
