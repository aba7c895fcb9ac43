/// The client address of one Keel node: a host name or IP address and a TCP port.
public struct KeelEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// A host name or an IPv4/IPv6 address (without brackets).
    public var host: String
    /// The node's client port.
    public var port: Int

    /// Creates an endpoint.
    /// - Parameters:
    ///   - host: A host name or IP address.
    ///   - port: The node's client port.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, or `[ipv6]:port` for an IPv6 address.
    /// - Parameter address: The text to parse, as a node reports its leader's address.
    /// - Throws: ``KeelError/invalidEndpoint(_:)`` when the text has no host or no valid port.
    public init(parsing address: String) throws(KeelError) {
        let text = address.trimmingWhitespace()
        guard let colon = text.lastIndex(of: ":") else {
            throw .invalidEndpoint(address)
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw .invalidEndpoint(address)
        }
        self.init(host: host, port: port)
    }

    /// `host:port`, with an IPv6 address in brackets.
    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" }
        guard let first = self.firstIndex(where: { !isSpace($0) }),
              let last = self.lastIndex(where: { !isSpace($0) })
        else {
            return ""
        }
        return self[first...last]
    }
}
