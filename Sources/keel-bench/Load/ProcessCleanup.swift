import Dispatch
import Foundation
import KeelTestKit
import Synchronization

/// Stops every server this program started when it is interrupted (SIGINT, SIGTERM, SIGHUP):
/// the test kit's processes are killed, then the cleanups registered here run (they kill other
/// servers and remove their directories), then the program exits. Normal paths stop their
/// servers themselves.
enum ProcessCleanup {
    private static let cleanups = Mutex<[Int: @Sendable () -> Void]>([:])
    private static let nextToken = Atomic<Int>(0)
    private static let installed = Atomic<Bool>(false)
    // The dispatch sources must live as long as the program.
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Runs `cleanup` if the program is interrupted before ``unregister(_:)``.
    static func register(_ cleanup: @escaping @Sendable () -> Void) -> Int {
        install()
        let token = nextToken.wrappingAdd(1, ordering: .relaxed).newValue
        cleanups.withLock { $0[token] = cleanup }
        return token
    }

    static func unregister(_ token: Int) {
        _ = cleanups.withLock { $0.removeValue(forKey: token) }
    }

    private static func install() {
        guard installed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        // Written once, here, before any source can fire; read by nobody else.
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let pending = cleanups.withLock { all in
                    defer { all.removeAll() }
                    return Array(all.values)
                }
                ProcessRegistry.killAll()
                for cleanup in pending { cleanup() }
                FileHandle.standardError.write(Data("\nkeel-bench: interrupted; servers stopped\n".utf8))
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
