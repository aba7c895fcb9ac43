import Foundation
import Synchronization

/// A one-line progress display on standard error, redrawn twice a second while a run goes,
/// only when standard error is a terminal.
final class ProgressLine: Sendable {
    private let enabled: Bool
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(enabled: Bool) {
        self.enabled = enabled && isatty(STDERR_FILENO) != 0
    }

    /// Starts redrawing with what `text` returns.
    func start(_ text: @escaping @Sendable () -> String) {
        guard enabled else { return }
        let redraw = Task {
            while !Task.isCancelled {
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + text()).utf8))
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        task.withLock { $0 = redraw }
    }

    /// Stops redrawing and clears the line.
    func finish() {
        guard enabled else { return }
        task.withLock { $0?.cancel() }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
