import Synchronization

/// Recently resolved activities, so that a page of a popular timeline costs no gets for the
/// activities many readers share. An activity never changes under its id (a different
/// activity under a taken id is refused), so a cached copy is never out of date; a page's
/// members come from the sorted sets, never from here, so a removed activity drops out of
/// pages whether or not it is still cached.
///
/// Two generations approximate least-recently-used eviction without a list: entries go into
/// the current generation; when it is full it becomes the previous one and the old previous
/// one is dropped; a hit in the previous generation moves the entry back to the current one.
final class ActivityCache: Sendable {
    private struct Generations {
        var current: [ActivityID: Activity] = [:]
        var previous: [ActivityID: Activity] = [:]
    }

    private let generationSize: Int
    private let generations = Mutex(Generations())

    /// - Parameter capacity: About how many activities to keep; 0 keeps none.
    init(capacity: Int) {
        self.generationSize = capacity / 2
    }

    func activity(_ id: ActivityID) -> Activity? {
        guard self.generationSize > 0 else { return nil }
        return self.generations.withLock { generations in
            if let activity = generations.current[id] {
                return activity
            }
            guard let activity = generations.previous.removeValue(forKey: id) else { return nil }
            Self.insert(activity, into: &generations, generationSize: self.generationSize)
            return activity
        }
    }

    func insert(_ activity: Activity) {
        guard self.generationSize > 0 else { return }
        self.generations.withLock { Self.insert(activity, into: &$0, generationSize: self.generationSize) }
    }

    /// Forgets an activity (this process removed it; a later publish may reuse the id).
    func remove(_ id: ActivityID) {
        self.generations.withLock {
            $0.current[id] = nil
            $0.previous[id] = nil
        }
    }

    private static func insert(_ activity: Activity, into generations: inout Generations, generationSize: Int) {
        if generations.current.count >= generationSize {
            generations.previous = generations.current
            generations.current = [:]
        }
        generations.current[activity.id] = activity
    }
}
