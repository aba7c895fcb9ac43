import ArgumentParser
import KeelStore

/// add-to-many into capped sets: fills every set to its maximum length, then measures the
/// steady state where every insert also trims the set's lowest member.
struct StoreFanoutBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "add-to-many of one new member into --fanout of --sets sets, each capped at --max-length."
    )

    @OptionGroup var options: StoreBenchmarkOptions

    @Option(help: "Distinct sets (timelines).")
    var sets = 1_000

    @Option(help: "Sets per add-to-many command.")
    var fanout = 100

    @Option(help: "Maximum length of every set.")
    var maxLength = 50

    @Option(help: "Commands measured at steady state (every set full), after the fill.")
    var steadyCommands = 2_000

    @Option(help: "Seed of the generator choosing each command's sets.")
    var seed: UInt64 = 1

    @Flag(help: "Entry-keyed sets (add-entry-to-many, no member index) instead of member-keyed ones (add-to-many).")
    var entryKeyed = false

    func validate() throws {
        guard sets >= 1, fanout >= 1, fanout <= sets else { throw ValidationError("need 1 <= --fanout <= --sets") }
        guard maxLength >= 1 else { throw ValidationError("--max-length must be at least 1") }
        guard steadyCommands >= 0 else { throw ValidationError("--steady-commands must not be negative") }
    }

    func run() throws {
        let bench = try BenchmarkStore(options: options)
        defer { bench.close() }
        let setKeys = (0..<sets).map { Array("timeline:\(String($0).leftPadded(8))".utf8) }
        var postNumber = 0
        func command(into chosen: [[UInt8]]) -> Command {
            defer { postNumber += 1 }
            // Later posts get higher scores, as timestamps do; each post is a new member.
            let member = Array("activity:\(String(postNumber).leftPadded(10))".utf8)
            let score = Double(1_700_000_000_000 + postNumber)
            if entryKeyed {
                return .addEntryToMany(sets: chosen, entry: ScoredMember(member: member, score: score), maxLength: UInt64(maxLength))
            }
            return .addToMany(sets: chosen, member: member, score: score, mode: .upsert, maxLength: UInt64(maxLength))
        }

        // Fill round-robin so that every set reaches the maximum length.
        let fillCommands = (maxLength * sets + sets + fanout - 1) / fanout
        var fillTime = ApplyTime()
        var done = 0
        while done < fillCommands {
            let size = min(options.group, fillCommands - done)
            let commands = (0..<size).map { offset in
                let first = (done + offset) * fanout
                return command(into: (first..<(first + fanout)).map { setKeys[$0 % sets] })
            }
            fillTime += try bench.apply(bench.entries(commands))
            done += size
        }

        var generator = SplitMix64(seed: seed)
        var permutation = Array(0..<sets)
        var groups: [[CommittedEntry]] = []
        done = 0
        while done < steadyCommands {
            let size = min(options.group, steadyCommands - done)
            let commands = (0..<size).map { _ in
                // A partial Fisher-Yates shuffle: `fanout` distinct sets.
                for index in 0..<fanout {
                    permutation.swapAt(index, index + Int(generator.next() % UInt64(sets - index)))
                }
                return command(into: permutation.prefix(fanout).map { setKeys[$0] })
            }
            groups.append(bench.entries(commands))
            done += size
        }
        let entriesBefore = bench.memtableEntries()
        let steadyTime = try bench.measuredApply(groups)
        if options.verbose {
            print("memtable entries of data before steady: \(entriesBefore), after: \(bench.memtableEntries())")
        }

        let reports = [
            PhaseReport(name: "fill", operations: fillCommands * fanout, commands: fillCommands, elapsed: fillTime),
            PhaseReport(name: "steady", operations: steadyCommands * fanout, commands: steadyCommands, elapsed: steadyTime),
        ]
        let settings: [String: Any] = [
            "workload": "fanout", "sets": sets, "fanout": fanout, "maxLength": maxLength,
            "group": options.group, "clients": options.clients, "sync": options.sync,
        ]
        PhaseReport.print(reports, settings: settings, json: options.json)
    }
}
