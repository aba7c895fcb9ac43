extension Database {
    /// How a database is opened and tuned. The defaults suit a server that holds one
    /// database per node with point reads, short range scans and steady writes.
    public struct Options: Sendable, Hashable {
        /// Create the database if the directory holds none.
        public var createIfMissing = true
        /// Create the column families named at open that do not exist yet.
        public var createMissingColumnFamilies = true
        /// Fail to open if a database already exists.
        public var errorIfExists = false
        /// Check data aggressively and stop on the first inconsistency.
        public var paranoidChecks = true

        /// Bytes of the LRU cache for uncompressed blocks, shared by all column families;
        /// 0 disables the block cache.
        public var blockCacheSize = 128 << 20
        /// Approximate size of an uncompressed data block.
        public var blockSize = 16 << 10
        /// Bits per key of a full Bloom filter, which spares disk reads for absent keys;
        /// `nil` builds no filter.
        public var bloomFilterBitsPerKey: Double? = 10
        /// Keep index and filter blocks in the block cache (bounded memory) instead of the heap.
        public var cacheIndexAndFilterBlocks = true
        /// Split each table's index and Bloom filter into blocks of about ``blockSize`` under a
        /// small top-level index (pinned in the cache), so that a point read loads one small
        /// filter partition. Without it a table's filter is one block (about 1 MB for a 64 MB
        /// table), which the cache's 2 MB shards evict again under load: every read of a key
        /// then re-read and re-checksummed the whole filter from the file.
        public var partitionIndexAndFilters = true

        /// Compression of every level but the last.
        public var compression: Compression = .lz4
        /// Compression of the last level, which holds most of the data; `nil` uses ``compression``.
        public var bottommostCompression: Compression? = .zstd

        /// Size of each memtable's Bloom filter as a fraction of ``writeBufferSize``; 0 builds
        /// none. With ``memtableWholeKeyFiltering`` a point read of a key that is not in a
        /// memtable skips that memtable's skip list search, the bulk of a read that misses.
        public var memtableBloomSizeRatio: Double = 0.02
        /// Put whole keys (not only prefixes) into the memtable Bloom filter; needed for the
        /// filter to serve point reads when no prefix extractor is set.
        public var memtableWholeKeyFiltering = true

        /// Files RocksDB may keep open; -1 keeps every file open.
        public var maxOpenFiles: Int32 = 512
        /// Bytes a memtable holds before it is flushed.
        public var writeBufferSize = 64 << 20
        /// Memtables (active and being flushed) a column family may hold.
        public var maxWriteBufferNumber: Int32 = 3
        /// Threads for flushes and compactions together.
        public var maxBackgroundJobs: Int32 = 4
        /// Target size of an SST file at level 1.
        public var targetFileSizeBase: UInt64 = 64 << 20
        /// Size levels from the bottom up, which bounds space amplification.
        public var levelCompactionDynamicLevelBytes = true
        /// Write-ahead log size that forces memtables to flush; 0 lets RocksDB choose.
        public var maxTotalWALSize: UInt64 = 0
        /// Ask the OS to write SST data back every this many bytes, to avoid large stalls.
        public var bytesPerSync: UInt64 = 1 << 20
        /// The same for the write-ahead log; 0 leaves it to the OS.
        public var walBytesPerSync: UInt64 = 0
        /// Flush all column families together, keeping them consistent when the WAL is off.
        public var atomicFlush = false
        /// Verbosity of RocksDB's own `LOG` file in the database directory.
        public var infoLogLevel: InfoLogLevel = .warn
        /// How many old `LOG` files to keep.
        public var keepLogFileCount = 5

        /// Creates options with the defaults above.
        public init() {}
    }

    /// Verbosity of the `LOG` file RocksDB writes in the database directory.
    public enum InfoLogLevel: Int32, Sendable, Hashable {
        case debug = 0
        case info = 1
        case warn = 2
        case error = 3
        case fatal = 4
        case header = 5
    }
}
