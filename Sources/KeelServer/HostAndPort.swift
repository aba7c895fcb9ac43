/// A `host:port` string split into its parts.
struct HostAndPort: Sendable, Hashable {
    var host: String
    var port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let number = Int(text[text.index(after: colon)...]),
              (0...65535).contains(number) else { return nil }
        host = String(text[..<colon])
        port = number
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { return nil }
    }
}
