#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Names the seeds that were running when a core precondition stopped the process, so that
/// even a crash "prints its seed". Slots are written only by the task that schedules runs
/// and read only by the signal handler, which is about to end the process anyway.
enum CrashReporter {
    // One slot per concurrent run, holding seed + 1; 0 = idle. Raw memory so the handler can read it without
    // Swift runtime calls.
    nonisolated(unsafe) static var slots: UnsafeMutablePointer<UInt64>?
    nonisolated(unsafe) static var slotCount = 0

    static func install(slots count: Int) {
        slots = .allocate(capacity: count)
        slots!.initialize(repeating: 0, count: count)
        slotCount = count
        for signalNumber in [SIGILL, SIGTRAP, SIGSEGV, SIGABRT, SIGBUS] {
            signal(signalNumber, handleCrash)
        }
    }

    static func setSlot(_ slot: Int, seed: UInt64?) {
        slots?[slot] = seed.map { $0 &+ 1 } ?? 0
    }
}

private func handleCrash(_ signalNumber: Int32) {
    writeText("keel-sim: the process crashed (a core precondition failed) while running seed(s):")
    if let slots = CrashReporter.slots {
        for slot in 0..<CrashReporter.slotCount where slots[slot] != 0 {
            writeText(" ")
            writeNumber(slots[slot] &- 1)
        }
    }
    writeText("\nreplay one with: keel-sim --seeds 1 --jobs 1 --start-seed <seed> and the same --ticks and --nodes options\n")
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}

/// Writes without allocating, as a signal handler must.
private func writeText(_ text: StaticString) {
    _ = write(2, text.utf8Start, text.utf8CodeUnitCount)
}

private func writeNumber(_ value: UInt64) {
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &digits) { buffer in
        var remaining = value
        var position = buffer.count
        repeat {
            position -= 1
            buffer[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        } while remaining > 0
        _ = write(2, buffer.baseAddress! + position, buffer.count - position)
    }
}
