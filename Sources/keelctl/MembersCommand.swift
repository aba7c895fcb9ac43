import ArgumentParser
import Foundation
import KeelClient

/// `keelctl members ...`: the membership and its changes.
struct MembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members",
        abstract: "List and change the cluster's members (learner first, then promote).",
        subcommands: [List.self, AddLearner.self, Promote.self, Remove.self],
        defaultSubcommand: List.self
    )

    struct Member: Encodable {
        var id: UInt64
        var clientAddress: String
        var peerAddress: String
        var voter: Bool
        var leader: Bool
    }

    struct Report: Encodable {
        var leader: UInt64?
        var appliedIndex: UInt64?
        var members: [Member]
    }

    static func show(_ members: [ClusterMember], leaderID: UInt64?, appliedIndex: UInt64?, json: Bool) throws {
        let rows = members.sorted { $0.nodeID < $1.nodeID }.map {
            Member(id: $0.nodeID, clientAddress: $0.clientAddress, peerAddress: $0.peerAddress, voter: $0.isVoter, leader: $0.nodeID == leaderID)
        }
        if json {
            try JSONOutput.print(Report(leader: leaderID == 0 ? nil : leaderID, appliedIndex: appliedIndex, members: rows))
            return
        }
        var table = TextTable("ID", "CLIENT", "PEER", "ROLE")
        for row in rows {
            table.add(["\(row.id)", row.clientAddress.isEmpty ? "?" : row.clientAddress, row.peerAddress, (row.voter ? "voter" : "learner") + (row.leader ? ", leader" : "")])
        }
        print(table.rendered())
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the members as the leader knows them.")

        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let membership = try await connection.withCluster { try await $0.client.members(timeout: $0.timeout) }
            try MembersCommand.show(membership.members, leaderID: membership.leaderID, appliedIndex: nil, json: connection.json)
        }
    }

    struct AddLearner: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-learner",
            abstract: "Add a node as a learner: it receives the log but does not vote.",
            discussion: "Start the node first with --join on an empty data directory; promote it once it has caught up."
        )

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The new node's id.") var id: UInt64
        @Argument(help: "The new node's peer address, host:port.") var peerAddress: String
        @Option(name: .customLong("client-address"), help: "The new node's client address (learned from the node itself when left out).")
        var clientAddress: String = ""

        func validate() throws {
            guard id > 0 else { throw ValidationError("node ids are positive") }
            guard (try? KeelEndpoint(parsing: peerAddress)) != nil else { throw ValidationError("\"\(peerAddress)\" is not host:port") }
        }

        func run() async throws {
            let change = try await connection.withCluster {
                try await $0.client.addLearner(nodeID: id, clientAddress: clientAddress, peerAddress: peerAddress, timeout: $0.timeout)
            }
            if !connection.json { print("node \(id) added as a learner at index \(change.appliedIndex)") }
            try MembersCommand.show(change.members, leaderID: nil, appliedIndex: change.appliedIndex, json: connection.json)
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a learner a voter, waiting (up to --timeout) until it has caught up."
        )

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The learner's id.") var id: UInt64

        func run() async throws {
            let change = try await connection.withCluster { cluster in
                let member = try await cluster.member(id)
                guard !member.isVoter else {
                    throw KeelctlFailure(.refused, "node \(id) is already a voter")
                }
                // The leader refuses (before proposing anything) while the learner lags, so
                // asking again until the deadline is safe.
                let deadline = ContinuousClock.now + cluster.timeout
                while true {
                    do {
                        return try await cluster.client.promote(nodeID: id, timeout: deadline - .now)
                    } catch KeelError.timedOut(let lastFailure) where lastFailure.contains("learnerNotCaughtUp") && ContinuousClock.now < deadline - .milliseconds(200) {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
            }
            if !connection.json { print("node \(id) is now a voter (index \(change.appliedIndex))") }
            try MembersCommand.show(change.members, leaderID: nil, appliedIndex: change.appliedIndex, json: connection.json)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a voter or learner; transfer leadership away first if it leads."
        )

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The member's id.") var id: UInt64

        func run() async throws {
            let change = try await connection.withCluster { cluster in
                _ = try await cluster.member(id)
                return try await cluster.client.remove(nodeID: id, timeout: cluster.timeout)
            }
            if !connection.json { print("node \(id) removed (index \(change.appliedIndex))") }
            try MembersCommand.show(change.members, leaderID: nil, appliedIndex: change.appliedIndex, json: connection.json)
        }
    }
}
