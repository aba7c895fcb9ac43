import NIOCore
import NIOEmbedded
import Synchronization
import XCTest

@testable import KeelClient

final class CoalescingWriterTests: XCTestCase {
    /// Counts the flushes that reach the bottom of the pipeline.
    private final class FlushCounter: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var flushes = 0

        func flush(context: ChannelHandlerContext) {
            self.flushes += 1
            context.flush()
        }
    }

    /// Keeps the errors a writer reports.
    private final class ReportedErrors: Sendable {
        let errors = Mutex<[String]>([])
    }

    private var channel: EmbeddedChannel!
    private var counter: FlushCounter!

    override func setUpWithError() throws {
        self.channel = EmbeddedChannel()
        self.counter = FlushCounter()
        try self.channel.pipeline.syncOperations.addHandler(self.counter)
        try self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    override func tearDownWithError() throws {
        if self.channel.isActive {
            _ = try self.channel.finish()
        }
        self.channel = nil
        self.counter = nil
    }

    private func writtenBytes() throws -> [[UInt8]] {
        var written: [[UInt8]] = []
        while let buffer = try self.channel.readOutbound(as: ByteBuffer.self) {
            written.append(Array(buffer.readableBytesView))
        }
        return written
    }

    func testFramesQueuedInOneTurnGoOutInOrderWithOneFlush() throws {
        let writer = CoalescingWriter(channel: self.channel)
        for byte: UInt8 in [1, 2, 3] {
            writer.write(ByteBuffer(bytes: [byte])) { error in XCTFail("write failed: \(error)") }
        }
        XCTAssertEqual(try self.writtenBytes(), [], "nothing goes out before the event loop turns")

        self.channel.embeddedEventLoop.run()

        XCTAssertEqual(self.counter.flushes, 1)
        XCTAssertEqual(try self.writtenBytes(), [[1], [2], [3]])
    }

    func testAFrameAloneIsStillFlushedInTheNextTurn() throws {
        let writer = CoalescingWriter(channel: self.channel)
        writer.write(ByteBuffer(bytes: [1, 2])) { error in XCTFail("write failed: \(error)") }
        writer.write(ByteBuffer(bytes: [3])) { error in XCTFail("write failed: \(error)") }
        self.channel.embeddedEventLoop.run()
        XCTAssertEqual(try self.writtenBytes(), [[1, 2], [3]])

        writer.write(ByteBuffer(bytes: [4])) { error in XCTFail("write failed: \(error)") }
        self.channel.embeddedEventLoop.run()

        XCTAssertEqual(self.counter.flushes, 2)
        XCTAssertEqual(try self.writtenBytes(), [[4]])
    }

    func testAFrameForAClosedChannelReportsTheFailure() throws {
        let writer = CoalescingWriter(channel: self.channel)
        try self.channel.close().wait()
        let reported = ReportedErrors()

        writer.write(ByteBuffer(bytes: [1])) { error in
            reported.errors.withLock { $0.append("\(error)") }
        }
        self.channel.embeddedEventLoop.run()

        XCTAssertEqual(reported.errors.withLock { $0 }, ["\(ChannelError.ioOnClosedChannel)"])
    }
}
