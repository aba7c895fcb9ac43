#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A POSIX reader-writer lock.
///
/// Readers are every call that uses a C handle; the writer is whatever releases handles
/// (close, dropping a column family). glibc's default policy prefers readers, which is relied
/// on: a thread may take the read lock again while a writer waits (a scan callback that reads
/// the database). A writer-preferring implementation would deadlock in that case.
@usableFromInline
final class ReadWriteLock: @unchecked Sendable {
    // Heap-allocated so the pthread object never moves; all access goes through pthread calls,
    // which is what makes the unchecked Sendable sound.
    @usableFromInline let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        let result = pthread_rwlock_init(lock, nil)
        precondition(result == 0, "pthread_rwlock_init failed: \(result)")
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deinitialize(count: 1)
        lock.deallocate()
    }

    @inlinable @inline(__always)
    func withReadLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    @inline(__always)
    func withWriteLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
