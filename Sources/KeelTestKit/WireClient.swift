import Foundation
import KeelWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal blocking Keel client for tests: one TCP connection, the handshake, then
/// requests and responses as raw frames. It can pipeline (``send(_:)`` several requests, then
/// ``receive()`` the answers) but does no leader tracking or retries; that is KeelClient's job.
public final class WireClient {
    /// Why a call failed below the protocol level.
    public enum Failure: Error, CustomStringConvertible {
        case connect(String)
        case io(String)
        case refused(ErrorReply)
        case protocolViolation(String)

        public var description: String {
            switch self {
            case .connect(let text): "connect: \(text)"
            case .io(let text): "io: \(text)"
            case .refused(let reply): "refused: \(reply)"
            case .protocolViolation(let text): "protocol: \(text)"
            }
        }
    }

    private var descriptor: Int32
    private var nextID: UInt64 = 1
    /// The answering node's id from the handshake.
    public private(set) var nodeID: UInt64 = 0

    /// Connects to `host:port` and performs the handshake.
    /// - Parameters:
    ///   - port: the node's client port.
    ///   - clusterID: the cluster id to present.
    ///   - kind: the connection kind in the preface.
    ///   - receiveTimeout: how long one read may block.
    /// - Throws: ``Failure``; `.refused` when the node answers the hello with an error.
    public init(host: String = "127.0.0.1", port: Int, clusterID: String, kind: ConnectionKind = .client, receiveTimeout: TimeInterval = 15) throws {
        descriptor = try Self.connect(host: host, port: port, receiveTimeout: receiveTimeout)
        var buffer = Preface(kind: kind).serialized()
        buffer += Self.frame(Hello(clusterID: clusterID, softwareVersion: "keel-testkit").serialized())
        do {
            try writeAll(buffer)
            let reply = try HelloReply(serialized: try readFrame())
            switch reply {
            case .accepted(let ack): nodeID = ack.nodeID
            case .rejected(let error): throw Failure.refused(error)
            }
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
    }

    /// Closes the connection.
    public func close() {
        if descriptor >= 0 {
            _ = Glibc.close(descriptor)
            descriptor = -1
        }
    }

    /// Sends one request and waits for its answer (answers to other requests are discarded).
    public func call(_ operation: ClientOperation, session: WriteSession? = nil, timeoutMilliseconds: UInt64 = 0) throws -> ClientResult {
        let id = try send(operation, session: session, timeoutMilliseconds: timeoutMilliseconds)
        while true {
            let response = try receive()
            if response.id == id || response.id == 0 { return response.result }
        }
    }

    /// Sends one request without waiting.
    /// - Parameter acknowledgeCommit: asks for the interim answer of a write at its commit.
    /// - Returns: the request id.
    @discardableResult
    public func send(
        _ operation: ClientOperation, session: WriteSession? = nil, timeoutMilliseconds: UInt64 = 0, acknowledgeCommit: Bool = false
    ) throws -> UInt64 {
        let id = nextID
        nextID += 1
        let request = ClientRequest(
            id: id, timeoutMilliseconds: timeoutMilliseconds, session: session, acknowledgeCommit: acknowledgeCommit, operation: operation
        )
        try writeAll(Self.frame(request.serialized()))
        return id
    }

    /// Waits for the next response.
    public func receive() throws -> ClientResponse {
        try ClientResponse(serialized: try readFrame())
    }

    /// Writes raw bytes (for hostile-input tests).
    public func writeRaw(_ bytes: [UInt8]) throws {
        try writeAll(bytes)
    }

    /// Whether the node closed the connection: reads until end of stream or `timeout`.
    /// - Returns: true when the stream ended (anything read before is ignored).
    public func waitForClose(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var scratch = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let count = scratch.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR { return true }
        }
        return false
    }

    // MARK: Plumbing

    /// A length-prefixed frame around `payload`.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + payload
    }

    private static func connect(host: String, port: Int, receiveTimeout: TimeInterval) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure.connect("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            _ = Glibc.close(descriptor)
            throw Failure.connect("not an IPv4 address: \(host)")
        }
        var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - receiveTimeout.rounded(.down)) * 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            _ = Glibc.close(descriptor)
            throw Failure.connect("\(host):\(port): errno \(code)")
        }
        return descriptor
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        guard descriptor >= 0 else { throw Failure.io("closed") }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + written, bytes.count - written, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure.io("send: errno \(errno)")
            }
            written += count
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        guard descriptor >= 0 else { throw Failure.io("closed") }
        var bytes = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let n = bytes.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress! + received, count - received, 0) }
            if n == 0 { throw Failure.io("connection closed by the node") }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure.io(errno == EAGAIN || errno == EWOULDBLOCK ? "read timed out" : "recv: errno \(errno)")
            }
            received += n
        }
        return bytes
    }

    private func readFrame() throws -> [UInt8] {
        let header = try readExactly(4)
        let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        guard length <= 64 << 20 else { throw Failure.protocolViolation("frame of \(length) bytes") }
        return length == 0 ? [] : try readExactly(length)
    }
}
