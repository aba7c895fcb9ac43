extension Database {
    /// How ``Database/ingest(files:into:options:)`` adds external SST files.
    public struct IngestOptions: Sendable, Hashable {
        /// Move (hard-link) the files instead of copying them; the originals then belong to
        /// the database.
        public var moveFiles = false
        /// Keep existing snapshots consistent: they do not see the ingested keys.
        public var snapshotConsistency = true
        /// Allow the files' keys to overlap keys already in the database (they then get a
        /// sequence number newer than everything before).
        public var allowGlobalSequenceNumber = true
        /// Flush the memtable first if it overlaps the files, rather than failing.
        public var allowBlockingFlush = true

        /// Creates options with the defaults above.
        public init() {}
    }
}
