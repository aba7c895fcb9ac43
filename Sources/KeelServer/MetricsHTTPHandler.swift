import NIOCore
import NIOHTTP1
import Prometheus

/// Answers `GET /metrics` (and `HEAD`) with the registry's text exposition, anything else
/// with 404 or 405.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry
    private let process: ProcessMetrics
    private var request: HTTPRequestHead?

    init(registry: PrometheusCollectorRegistry, process: ProcessMetrics) {
        self.registry = registry
        self.process = process
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
        case .body:
            break
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let status: HTTPResponseStatus
        var body = context.channel.allocator.buffer(capacity: 0)
        var headers = HTTPHeaders()
        var contentLength = 0
        if path != "/metrics" {
            status = .notFound
            body.writeString("only /metrics is served here\n")
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        } else if head.method != .GET && head.method != .HEAD {
            status = .methodNotAllowed
            headers.add(name: "Allow", value: "GET, HEAD")
        } else {
            status = .ok
            process.refresh()
            let text = registry.emitToBuffer()
            contentLength = text.count
            if head.method == .GET { body.writeBytes(text) }
            headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
        }
        headers.add(name: "Content-Length", value: "\(max(contentLength, body.readableBytes))")
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
