/// The files a streamed snapshot consists of: one SST file per state-machine column family.
/// A column family with no keys has no file (RocksDB cannot write an empty SST file).
enum SnapshotFiles {
    /// File name -> the column family it is ingested into.
    static let columnFamilies: [(file: String, columnFamily: String)] = [
        ("data.sst", "data"),
        ("meta.sst", "meta"),
    ]

    static func columnFamily(of file: String) -> String? {
        columnFamilies.first { $0.file == file }?.columnFamily
    }
}
