import NIOCore
import NIOEmbedded
import XCTest

@testable import KeelWire

/// Random and damaged bytes: every decoder must return a value or a typed error, never crash,
/// and never wait for or allocate what a length field claims. All inputs come from fixed
/// seeds, so a failure names its seed and replays.
final class HostileInputTests: XCTestCase {
    private static let caseCount = 3_000

    /// Decoding may fail with the typed error only; whatever decodes must survive a round trip.
    private func assertDecodesStably<Message: WireMessage>(
        _ type: Message.Type,
        _ bytes: [UInt8],
        _ context: @autoclosure () -> String
    ) -> Bool {
        let message: Message
        do {
            message = try Message(serialized: bytes)
        } catch {
            // `error` is statically a WireDecodingError (typed throws); nothing else can escape.
            return false
        }
        XCTAssertEqual(try? Message(serialized: message.serialized()), message, context())
        return true
    }

    private func assertEveryDecoderCopes(with bytes: [UInt8], _ context: @autoclosure () -> String) -> Int {
        var decoded = 0
        decoded += self.assertDecodesStably(Hello.self, bytes, context()) ? 1 : 0
        decoded += self.assertDecodesStably(HelloAck.self, bytes, context()) ? 1 : 0
        decoded += self.assertDecodesStably(HelloReply.self, bytes, context()) ? 1 : 0
        decoded += self.assertDecodesStably(ErrorReply.self, bytes, context()) ? 1 : 0
        decoded += self.assertDecodesStably(ClientRequest.self, bytes, context()) ? 1 : 0
        decoded += self.assertDecodesStably(ClientResponse.self, bytes, context()) ? 1 : 0
        decoded += self.assertDecodesStably(PeerFrame.self, bytes, context()) ? 1 : 0
        decoded += self.assertDecodesStably(PeerReply.self, bytes, context()) ? 1 : 0
        return decoded
    }

    func testRandomBytesIntoMessageDecoders() {
        var decoded = 0
        var failed = 0
        for seed in 0..<UInt64(Self.caseCount) {
            var random = SplitMix64(seed: seed)
            let bytes = random.bytes(count: Int.random(in: 0...96, using: &random))
            let count = self.assertEveryDecoderCopes(with: bytes, "seed \(seed)")
            decoded += count
            failed += 6 - count
        }
        // Both outcomes must occur, or the inputs are not exercising the decoders.
        XCTAssertGreaterThan(decoded, 0)
        XCTAssertGreaterThan(failed, 0)
    }

    func testDamagedValidMessages() {
        let samples: [[UInt8]] =
            MessageSamples.hellos.map { $0.serialized() }
            + MessageSamples.helloReplies.map { $0.serialized() }
            + MessageSamples.requests.map { $0.serialized() }.filter { $0.count < 4096 }
            + MessageSamples.responses.map { $0.serialized() }.filter { $0.count < 4096 }
            + MessageSamples.peerFrames.map { $0.serialized() }.filter { $0.count < 4096 }
            + MessageSamples.peerReplies.map { $0.serialized() }
        var random = SplitMix64(seed: 0xDA_3A9E)
        for (index, sample) in samples.enumerated() {
            // Every truncation of a short message, and a few random ones of longer ones.
            let cuts = sample.count <= 64 ? Array(0..<sample.count) : (0..<64).map { _ in Int.random(in: 0..<sample.count, using: &random) }
            for cut in cuts {
                _ = self.assertEveryDecoderCopes(with: Array(sample.prefix(cut)), "sample \(index) cut \(cut)")
            }
            // Random byte flips.
            for flip in 0..<20 where !sample.isEmpty {
                var damaged = sample
                for _ in 0...Int.random(in: 0...3, using: &random) {
                    damaged[Int.random(in: 0..<damaged.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
                _ = self.assertEveryDecoderCopes(with: damaged, "sample \(index) flip \(flip)")
            }
        }
    }

    func testRandomBytesIntoPrefaceParser() {
        var accepted = 0
        for seed in 0..<UInt64(Self.caseCount) {
            var random = SplitMix64(seed: seed)
            // Half the cases start with the magic so that the later checks are reached too.
            var bytes = random.bytes(count: Int.random(in: 0...12, using: &random))
            if seed.isMultiple(of: 2) {
                bytes = Preface.magic + bytes
            }
            do {
                let preface = try Preface(parsing: bytes)
                accepted += 1
                XCTAssertEqual(preface.serialized(), Array(bytes.prefix(Preface.encodedLength)), "seed \(seed)")
            } catch {
                // Typed throws: `error` is a PrefaceError. Check it names the right problem.
                switch error {
                case .wrongMagic(let found):
                    XCTAssertFalse(bytes.starts(with: Preface.magic), "seed \(seed)")
                    XCTAssertTrue(bytes.starts(with: found), "seed \(seed)")
                case .truncated(let length):
                    XCTAssertLessThan(length, Preface.encodedLength, "seed \(seed)")
                case .unsupportedVersion(let version):
                    XCTAssertFalse(Preface.supportedVersions.contains(version), "seed \(seed)")
                case .unknownConnectionKind, .nonZeroReservedByte:
                    XCTAssertTrue(bytes.starts(with: Preface.magic), "seed \(seed)")
                }
            }
        }
        // Random version bytes are rarely 1, but a few thousand cases reach an accepted one
        // only if the kind and reserved byte line up too; the parser must not accept more.
        XCTAssertLessThan(accepted, Self.caseCount / 100)
    }

    func testRandomBytesIntoFrameDecoderPipeline() throws {
        let limit: UInt32 = 4096
        var tooLarge = 0
        for seed in 0..<UInt64(Self.caseCount) {
            var random = SplitMix64(seed: seed)
            var bytes = random.bytes(count: Int.random(in: 0...600, using: &random))
            // A third of the cases get a small, believable length so whole frames occur too.
            if seed.isMultiple(of: 3), bytes.count >= 4 {
                let length = UInt32.random(in: 0...UInt32(bytes.count - 4), using: &random)
                bytes.replaceSubrange(0..<4, with: withUnsafeBytes(of: length.bigEndian, Array.init))
            }
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameLength: limit)))
            var consumed = 0
            do {
                // Feed in random chunks, as a socket would.
                var start = 0
                while start < bytes.count {
                    let end = min(bytes.count, start + Int.random(in: 1...128, using: &random))
                    try channel.writeInbound(ByteBuffer(bytes: bytes[start..<end]))
                    start = end
                }
                while let payload = try channel.readInbound(as: ByteBuffer.self) {
                    consumed += FrameDecoder.lengthPrefixSize + payload.readableBytes
                    XCTAssertLessThanOrEqual(payload.readableBytes, Int(limit), "seed \(seed)")
                }
                XCTAssertLessThanOrEqual(consumed, bytes.count, "seed \(seed)")
                _ = try channel.finish()
            } catch let error as FrameError {
                if case .frameTooLarge(let length, _) = error {
                    XCTAssertGreaterThan(length, limit, "seed \(seed)")
                    tooLarge += 1
                }
                _ = try? channel.finish()
            } catch {
                XCTFail("seed \(seed): untyped error \(error)")
                _ = try? channel.finish()
            }
        }
        XCTAssertGreaterThan(tooLarge, Self.caseCount / 2)
    }

    func testRandomLengthPrefixesUpTo4GiBFailFromFourBytes() throws {
        var random = SplitMix64(seed: 4 << 30)
        let limit = FrameDecoder.defaultMaximumFrameLength
        for _ in 0..<Self.caseCount {
            let length = UInt32.random(in: (limit + 1)...UInt32.max, using: &random)
            var buffer = ByteBuffer()
            buffer.writeInteger(length, endianness: .big)
            XCTAssertThrowsError(try FrameDecoder().readFrame(from: &buffer)) {
                XCTAssertEqual($0 as? FrameError, .frameTooLarge(length: length, limit: limit))
            }
            // Nothing was consumed and nothing was reserved for the claimed body.
            XCTAssertEqual(buffer.readableBytes, 4)
            XCTAssertLessThan(buffer.capacity, 1024)
        }
    }

    func testRandomBytesIntoPrefacedFrameDecoder() throws {
        var outcomes: [String: Int] = [:]
        for seed in 0..<UInt64(Self.caseCount) {
            var random = SplitMix64(seed: seed ^ 0xBEEF)
            var bytes = random.bytes(count: Int.random(in: 0...64, using: &random))
            if seed.isMultiple(of: 2) {
                bytes = Preface(kind: .client).serialized() + bytes
            }
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(PrefacedFrameDecoder(maximumFrameLength: 32)))
            do {
                try channel.writeInbound(ByteBuffer(bytes: bytes))
                _ = try channel.finish()
                outcomes["clean", default: 0] += 1
            } catch is PrefaceError {
                outcomes["preface", default: 0] += 1
                _ = try? channel.finish()
            } catch is FrameError {
                outcomes["frame", default: 0] += 1
                _ = try? channel.finish()
            } catch {
                XCTFail("seed \(seed): untyped error \(error)")
                _ = try? channel.finish()
            }
        }
        XCTAssertGreaterThan(outcomes["preface", default: 0], 0)
        XCTAssertGreaterThan(outcomes["frame", default: 0], 0)
    }
}
