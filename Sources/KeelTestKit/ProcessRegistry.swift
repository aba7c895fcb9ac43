import Foundation

/// Every server process the test kit started and has not yet seen exit, so that they can all
/// be killed when a test ends abnormally, and at process exit.
public enum ProcessRegistry {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var processes: [ObjectIdentifier: Process] = [:]
    nonisolated(unsafe) private static var exitHookInstalled = false
    // nonisolated(unsafe): both statics are only touched with `lock` held.

    static func register(_ process: Process) {
        lock.lock()
        defer { lock.unlock() }
        processes[ObjectIdentifier(process)] = process
        if !exitHookInstalled {
            exitHookInstalled = true
            atexit { ProcessRegistry.killAll() }
        }
    }

    static func unregister(_ process: Process) {
        lock.lock()
        processes[ObjectIdentifier(process)] = nil
        lock.unlock()
    }

    /// Sends SIGKILL to every registered process and waits for it.
    public static func killAll() {
        lock.lock()
        let all = Array(processes.values)
        processes.removeAll()
        lock.unlock()
        for process in all where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
