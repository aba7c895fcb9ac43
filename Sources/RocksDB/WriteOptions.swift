/// Durability of one write.
public struct WriteOptions: Sendable, Hashable {
    /// Fsync the write-ahead log before the write returns (`rocksdb_writeoptions_set_sync`):
    /// the write survives a machine crash, not only a process crash.
    public var sync: Bool
    /// Skip the write-ahead log: the write lives only in the memtable until a flush and is lost
    /// if the process dies first. RocksDB rejects `sync` together with `disableWAL`.
    public var disableWAL: Bool

    /// Creates write options.
    /// - Parameters:
    ///   - sync: fsync the write-ahead log before returning.
    ///   - disableWAL: do not write the write-ahead log at all.
    public init(sync: Bool = false, disableWAL: Bool = false) {
        self.sync = sync
        self.disableWAL = disableWAL
    }

    /// Index into the four C option objects a database keeps ready.
    var nativeIndex: Int {
        (sync ? 1 : 0) | (disableWAL ? 2 : 0)
    }
}
