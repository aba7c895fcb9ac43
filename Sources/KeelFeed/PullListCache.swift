import Synchronization

/// The pulled producers of each recent reader as this process last read them (the members of
/// `pulls:<user>`), so that the next page of that reader can ask for the merged range at the
/// same time as the current list. A remembered list is a guess, never an answer: the page
/// uses the merged range only when the list read alongside it is the same, so a list changed
/// by a follow, an unfollow or a producer's switch to pull (in any process) costs one more
/// round trip, never a wrong page.
final class PullListCache: Sendable {
    private let capacity: Int
    private let lists = Mutex<[String: [[UInt8]]]>([:])

    /// - Parameter capacity: How many users to remember; 0 remembers none.
    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The list last read for `user`, or `nil` when none is remembered.
    func producers(of user: String) -> [[UInt8]]? {
        guard self.capacity > 0 else { return nil }
        return self.lists.withLock { $0[user] }
    }

    func remember(_ producers: [[UInt8]], of user: String) {
        guard self.capacity > 0 else { return }
        self.lists.withLock { lists in
            // Forget everyone rather than grow without bound: the cost is one round trip
            // more on each forgotten reader's next page.
            if lists.count >= self.capacity, lists[user] == nil {
                lists.removeAll(keepingCapacity: true)
            }
            lists[user] = producers
        }
    }
}
