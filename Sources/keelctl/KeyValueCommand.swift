import ArgumentParser
import Foundation
import KeelClient

/// `keelctl kv ...`: keys and values by hand. Keys and values are UTF-8 text on the command
/// line; values that are not valid UTF-8 print as `hex:...`.
struct KeyValueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv",
        abstract: "Read and write keys by hand.",
        subcommands: [Get.self, Put.self, Delete.self, Scan.self, Increment.self]
    )

    /// The bytes as text when they are printable UTF-8, else as `hex:...` (counters, binary
    /// values), so that nothing unprintable reaches the terminal.
    static func text(_ bytes: [UInt8]) -> String {
        if let string = String(validating: bytes, as: UTF8.self),
           !string.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" }) {
            return string
        }
        return "hex:" + bytes.map { String(format: "%02x", $0) }.joined()
    }

    enum Consistency: String, ExpressibleByArgument, CaseIterable {
        case linearizable, lease, stale

        var value: ReadConsistency {
            switch self {
            case .linearizable: .linearizable
            case .lease: .lease
            case .stale: .stale
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a key's value (exit 9 when the key does not exist).")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The key.") var key: String
        @Option(help: "linearizable (default), lease or stale.") var consistency: Consistency = .linearizable

        struct Report: Encodable {
            var key: String
            var value: String?
            var found: Bool
            var appliedIndex: UInt64
        }

        func run() async throws {
            let result = try await connection.withCluster {
                try await $0.client.read(Array(key.utf8), consistency: consistency.value, timeout: $0.timeout)
            }
            if connection.json {
                try JSONOutput.print(Report(key: key, value: result.value.map(KeyValueCommand.text), found: result.value != nil, appliedIndex: result.appliedIndex))
            } else if let value = result.value {
                print(KeyValueCommand.text(value))
            }
            if result.value == nil {
                if !connection.json { FileHandle.standardError.write(Data("keelctl: key \"\(key)\" not found\n".utf8)) }
                throw ExitCode(ExitStatus.keyNotFound.rawValue)
            }
        }
    }

    struct WriteReport: Encodable {
        var key: String
        var appliedIndex: UInt64?
        var value: Int64?
    }

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a value under a key.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The key.") var key: String
        @Argument(help: "The value.") var value: String

        func run() async throws {
            let index = try await connection.withCluster {
                try await $0.client.put(Array(key.utf8), value: Array(value.utf8), timeout: $0.timeout)
            }
            if connection.json { try JSONOutput.print(WriteReport(key: key, appliedIndex: index)) } else { print("OK (index \(index))") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "del", abstract: "Delete a key (deleting an absent key succeeds).")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The key.") var key: String

        func run() async throws {
            let index = try await connection.withCluster { try await $0.client.delete(Array(key.utf8), timeout: $0.timeout) }
            if connection.json { try JSONOutput.print(WriteReport(key: key, appliedIndex: index)) } else { print("OK (index \(index))") }
        }
    }

    struct Increment: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "incr", abstract: "Add to a 64-bit counter and print its new value.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The counter's key.") var key: String
        @Option(help: "The amount to add (may be negative).") var by: Int64 = 1

        func run() async throws {
            let value = try await connection.withCluster { try await $0.client.increment(Array(key.utf8), by: by, timeout: $0.timeout) }
            if connection.json { try JSONOutput.print(WriteReport(key: key, value: value)) } else { print(value) }
        }
    }

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys that start with a prefix, in byte order.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The prefix (empty: every key).") var prefix: String = ""
        @Option(help: "At most this many keys.") var limit: Int = 100
        @Option(name: .customLong("start-after"), help: "Begin after this key.") var startAfter: String?
        @Option(help: "linearizable (default), lease or stale.") var consistency: Consistency = .linearizable

        struct Entry: Encodable {
            var key: String
            var value: String
        }

        struct Report: Encodable {
            var entries: [Entry]
            var more: Bool
        }

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be positive") }
        }

        func run() async throws {
            let (entries, more) = try await connection.withCluster { cluster in
                var entries: [ScanEntry] = []
                var after = startAfter.map { Array($0.utf8) }
                while true {
                    let page = try await cluster.client.scan(
                        prefix: Array(prefix.utf8), startAfter: after, limit: UInt32(clamping: limit - entries.count),
                        consistency: consistency.value, timeout: cluster.timeout
                    )
                    entries += page.entries
                    guard page.more, entries.count < limit, let next = page.nextStartAfter else {
                        return (entries, page.more)
                    }
                    after = next
                }
            }
            let rows = entries.map { Entry(key: KeyValueCommand.text($0.key), value: KeyValueCommand.text($0.value)) }
            if connection.json {
                try JSONOutput.print(Report(entries: rows, more: more))
            } else {
                var table = TextTable("KEY", "VALUE")
                for row in rows { table.add([row.key, row.value]) }
                print(table.rendered())
                if more { print("(more keys follow; use --start-after \(rows.last?.key ?? ""))") }
            }
        }
    }
}
