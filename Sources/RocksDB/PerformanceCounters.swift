import CRocksDB

/// RocksDB's per-thread performance counters (its `PerfContext`).
///
/// RocksDB starts every thread at perf level `kEnableCount`: each key comparison, memtable
/// lookup and block read then bumps a thread-local counter, and in a shared library every
/// thread-local access is a call to `__tls_get_addr`. Keel never reads these counters, and
/// they cost a measurable share of every memtable insert (see docs/benchmarks.md), so the
/// threads that do most of the work switch them off.
public enum PerformanceCounters {
    /// Stops RocksDB's performance counting on the calling thread (perf level `kDisable`).
    /// Affects only this thread; cheap enough to call once per unit of work on threads the
    /// caller does not own.
    @inlinable
    public static func disableOnCurrentThread() {
        rocksdb_set_perf_level(1)
    }
}
