/// A record of the server's own in the database does not decode: the disk holds something
/// this build did not write. The node must not continue on it.
struct StorageCorruption: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
