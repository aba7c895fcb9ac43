import CRocksDB

/// Owns a `rocksdb_options_t` built from ``Database/Options``.
///
/// Kept for the database's lifetime because creating a column family later needs options.
final class NativeOptions: @unchecked Sendable {
    // Unchecked Sendable: the options are fully configured in init and only read (const) by
    // RocksDB afterwards.
    let pointer: OpaquePointer

    init(_ options: Database.Options) {
        pointer = rocksdb_options_create()
        rocksdb_options_set_create_if_missing(pointer, options.createIfMissing ? 1 : 0)
        rocksdb_options_set_create_missing_column_families(pointer, options.createMissingColumnFamilies ? 1 : 0)
        rocksdb_options_set_error_if_exists(pointer, options.errorIfExists ? 1 : 0)
        rocksdb_options_set_paranoid_checks(pointer, options.paranoidChecks ? 1 : 0)

        rocksdb_options_set_compression(pointer, options.compression.cValue)
        rocksdb_options_set_bottommost_compression(pointer, (options.bottommostCompression ?? options.compression).cValue)
        rocksdb_options_set_max_open_files(pointer, options.maxOpenFiles)
        rocksdb_options_set_write_buffer_size(pointer, options.writeBufferSize)
        rocksdb_options_set_max_write_buffer_number(pointer, options.maxWriteBufferNumber)
        rocksdb_options_set_memtable_prefix_bloom_size_ratio(pointer, options.memtableBloomSizeRatio)
        rocksdb_options_set_memtable_whole_key_filtering(pointer, options.memtableWholeKeyFiltering ? 1 : 0)
        rocksdb_options_set_max_background_jobs(pointer, options.maxBackgroundJobs)
        rocksdb_options_set_target_file_size_base(pointer, options.targetFileSizeBase)
        rocksdb_options_set_level_compaction_dynamic_level_bytes(pointer, options.levelCompactionDynamicLevelBytes ? 1 : 0)
        rocksdb_options_set_max_total_wal_size(pointer, options.maxTotalWALSize)
        rocksdb_options_set_bytes_per_sync(pointer, options.bytesPerSync)
        rocksdb_options_set_wal_bytes_per_sync(pointer, options.walBytesPerSync)
        rocksdb_options_set_atomic_flush(pointer, options.atomicFlush ? 1 : 0)
        rocksdb_options_set_info_log_level(pointer, options.infoLogLevel.rawValue)
        rocksdb_options_set_keep_log_file_num(pointer, options.keepLogFileCount)

        let table = rocksdb_block_based_options_create()
        rocksdb_block_based_options_set_block_size(table, options.blockSize)
        if options.blockCacheSize > 0 {
            let cache = rocksdb_cache_create_lru(options.blockCacheSize)
            // The table options keep their own reference to the cache.
            rocksdb_block_based_options_set_block_cache(table, cache)
            rocksdb_cache_destroy(cache)
        } else {
            rocksdb_block_based_options_set_no_block_cache(table, 1)
        }
        if let bits = options.bloomFilterBitsPerKey {
            // The table options take ownership of the filter policy: it must not be destroyed here.
            rocksdb_block_based_options_set_filter_policy(table, rocksdb_filterpolicy_create_bloom_full(bits))
        }
        rocksdb_block_based_options_set_cache_index_and_filter_blocks(table, options.cacheIndexAndFilterBlocks ? 1 : 0)
        rocksdb_block_based_options_set_pin_l0_filter_and_index_blocks_in_cache(table, options.cacheIndexAndFilterBlocks ? 1 : 0)
        if options.cacheIndexAndFilterBlocks {
            // Index and filter blocks are evicted after data blocks.
            rocksdb_block_based_options_set_cache_index_and_filter_blocks_with_high_priority(table, 1)
        }
        if options.partitionIndexAndFilters {
            rocksdb_block_based_options_set_index_type(table, Int32(rocksdb_block_based_table_index_type_two_level_index_search))
            rocksdb_block_based_options_set_partition_filters(table, 1)
            rocksdb_block_based_options_set_metadata_block_size(table, UInt64(options.blockSize))
            rocksdb_block_based_options_set_pin_top_level_index_and_filter(table, 1)
        }
        // The table factory copies the table options.
        rocksdb_options_set_block_based_table_factory(pointer, table)
        rocksdb_block_based_options_destroy(table)
    }

    deinit {
        rocksdb_options_destroy(pointer)
    }
}
