import NIOCore
import Synchronization

/// Writes request frames to one channel from any thread, with one event-loop task and one
/// flush (one write system call) for all the frames queued before that task runs.
///
/// `Channel.writeAndFlush` from outside the event loop costs a task and a flush per request;
/// with many callers sending at once, the bench client spent a large share of its CPU on
/// them. Here the first frame queued schedules the task and later ones join it, so a frame
/// waits at most until that task runs: never longer than one event-loop turn.
final class CoalescingWriter: Sendable {
    /// The channel written to.
    let channel: any Channel

    private struct Frame {
        let payload: ByteBuffer
        let onFailure: @Sendable (any Error) -> Void
    }

    private struct State {
        var queued: [Frame] = []
        var writeScheduled = false
    }

    private let state = Mutex(State())

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Queues `payload` to be written and flushed within the current event-loop turn.
    /// - Parameter onFailure: Called (on the event loop) when the channel refuses or loses
    ///   the bytes, with the channel's error.
    func write(_ payload: ByteBuffer, onFailure: @escaping @Sendable (any Error) -> Void) {
        let mustSchedule = self.state.withLock { state -> Bool in
            state.queued.append(Frame(payload: payload, onFailure: onFailure))
            if state.writeScheduled {
                return false
            }
            state.writeScheduled = true
            return true
        }
        if mustSchedule {
            self.channel.eventLoop.execute {
                self.writeQueued()
            }
        }
    }

    /// Writes everything queued so far and flushes once.
    private func writeQueued() {
        let frames = self.state.withLock { state -> [Frame] in
            state.writeScheduled = false
            var frames: [Frame] = []
            swap(&frames, &state.queued)
            return frames
        }
        for frame in frames {
            let onFailure = frame.onFailure
            self.channel.write(frame.payload).whenFailure { error in
                onFailure(error)
            }
        }
        self.channel.flush()
    }
}
