import DequeModule
import NIOCore

/// The deadlines of one connection's pending requests (and of its callers waiting for a
/// slot, numbered from the same counter), earliest first, so that one timer can serve them all.
///
/// Requests usually share one timeout, so a new deadline is almost always the latest and
/// adding it is an append. A request that ends another way (answered, cancelled, its
/// connection closed) is not looked for here: its entry stays until it reaches the front or
/// until ``sweep(keeping:)`` drops it, and whoever reads an entry checks that the request is
/// still pending.
struct RequestDeadlines {
    private struct Entry {
        let deadline: NIODeadline
        let requestID: UInt64
    }

    private var entries: Deque<Entry> = []

    /// How many entries are held, ended requests included.
    var count: Int {
        self.entries.count
    }

    /// Records that `requestID` must end by `deadline`.
    mutating func add(requestID: UInt64, deadline: NIODeadline) {
        let entry = Entry(deadline: deadline, requestID: requestID)
        guard let last = self.entries.last, deadline < last.deadline else {
            self.entries.append(entry)
            return
        }
        // A shorter timeout than the requests before it: insert after every entry due no later.
        var low = self.entries.startIndex
        var high = self.entries.endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if self.entries[middle].deadline <= deadline {
                low = middle + 1
            } else {
                high = middle
            }
        }
        self.entries.insert(entry, at: low)
    }

    /// Removes every entry due at or before `now`.
    /// - Returns: Their request ids, earliest deadline first (ended requests included).
    mutating func removeExpired(at now: NIODeadline) -> [UInt64] {
        var expired: [UInt64] = []
        while let first = self.entries.first, first.deadline <= now {
            expired.append(first.requestID)
            self.entries.removeFirst()
        }
        return expired
    }

    /// The earliest deadline of a request still pending; drops the ended requests in front of it.
    mutating func earliest(keeping isPending: (UInt64) -> Bool) -> NIODeadline? {
        while let first = self.entries.first {
            if isPending(first.requestID) {
                return first.deadline
            }
            self.entries.removeFirst()
        }
        return nil
    }

    /// Drops the entries of every request that `isPending` says has ended.
    mutating func sweep(keeping isPending: (UInt64) -> Bool) {
        self.entries.removeAll { !isPending($0.requestID) }
    }

    /// Forgets every entry.
    mutating func removeAll() {
        self.entries.removeAll()
    }
}
