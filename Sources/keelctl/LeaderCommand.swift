import ArgumentParser
import KeelClient

/// `keelctl leader transfer --to ID`.
struct LeaderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leader",
        abstract: "Move leadership (before maintenance on the leader's machine).",
        subcommands: [Transfer.self]
    )

    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hand leadership to another voter and wait until it leads.")

        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The voter that should lead.") var to: UInt64

        struct Report: Encodable {
            var leader: UInt64
            var term: UInt64
        }

        func run() async throws {
            let transfer = try await connection.withCluster { cluster in
                let member = try await cluster.member(to)
                guard member.isVoter else {
                    throw KeelctlFailure(.memberUnknown, "node \(to) is a learner; only a voter can lead")
                }
                if let leader = await cluster.survey().leader, leader.nodeID == to {
                    return LeadershipTransfer(leaderID: to, term: leader.term)
                }
                return try await cluster.client.transferLeadership(to: to, timeout: cluster.timeout)
            }
            if connection.json {
                try JSONOutput.print(Report(leader: transfer.leaderID, term: transfer.term))
            } else {
                print("node \(transfer.leaderID) leads in term \(transfer.term)")
            }
        }
    }
}
