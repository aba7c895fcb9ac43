import Foundation
import RocksDB
import XCTest

/// A test case with a fresh temporary directory, removed in tearDown with everything in it.
class DatabaseTestCase: XCTestCase {
    private(set) var directory: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("keel-rocksdb-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory {
            try FileManager.default.removeItem(at: directory)
        }
        directory = nil
        try super.tearDownWithError()
    }

    /// A path inside the test's directory.
    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// Small options so tests use little memory and few threads.
    static var testOptions: Database.Options {
        var options = Database.Options()
        options.blockCacheSize = 1 << 20
        options.writeBufferSize = 1 << 20
        options.maxBackgroundJobs = 2
        return options
    }

    func openDatabase(_ name: String = "db", columnFamilies: [String] = [], options: Database.Options = testOptions) throws -> Database {
        try Database(path: path(name), options: options, columnFamilies: columnFamilies)
    }

    /// Asserts that `body` throws a RocksDBError of `kind`.
    func assertThrows<T>(
        _ kind: RocksDBError.Kind,
        _ body: @autoclosure () throws -> T,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        do {
            _ = try body()
            XCTFail("expected a \(kind) error, got none", file: file, line: line)
        } catch let error as RocksDBError {
            XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
        } catch {
            XCTFail("expected a RocksDBError, got \(error)", file: file, line: line)
        }
    }
}

/// Bytes of a string, for readable keys and values.
func bytes(_ string: String) -> [UInt8] {
    Array(string.utf8)
}
