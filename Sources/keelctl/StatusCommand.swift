import ArgumentParser
import KeelClient

/// `keelctl status`: one row per node.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every node: role, term, leader, commit/applied/log/snapshot indexes, lag behind the leader.",
        discussion: "Exits 0 when at least one node answers, 2 when none does. Unreachable nodes are listed as such."
    )

    @OptionGroup var connection: ConnectionOptions

    /// One node in `--json` output.
    struct Row: Encodable {
        var id: UInt64?
        var address: String
        var reachable: Bool
        var role: String
        var voter: Bool?
        var term: UInt64?
        var leader: UInt64?
        var commitIndex: UInt64?
        var appliedIndex: UInt64?
        var lastLogIndex: UInt64?
        var snapshotIndex: UInt64?
        var lag: UInt64?
        var error: String?
    }

    struct Report: Encodable {
        var leader: UInt64?
        var term: UInt64?
        var nodes: [Row]
    }

    func run() async throws {
        let survey = try await connection.withCluster { await $0.survey() }
        let report = Self.report(survey)
        if connection.json {
            try JSONOutput.print(report)
        } else {
            var table = TextTable("ID", "ADDRESS", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "LAST-INDEX", "SNAPSHOT", "LAG")
            func text(_ value: UInt64?) -> String { value.map { "\($0)" } ?? "-" }
            for row in report.nodes {
                var role = row.role
                if row.voter == false && row.reachable { role += " (learner)" }
                table.add([
                    text(row.id), row.address, role, text(row.term), row.leader.map { $0 == 0 ? "none" : "\($0)" } ?? "-",
                    text(row.commitIndex), text(row.appliedIndex), text(row.lastLogIndex), text(row.snapshotIndex), text(row.lag),
                ])
            }
            print(table.rendered())
            for row in report.nodes where !row.reachable {
                print("\(row.address): \(row.error ?? "unreachable")")
            }
        }
        if survey.reachable.isEmpty {
            let wrongCluster = survey.nodes.contains {
                if case .failure(.wrongCluster) = $0.status { return true }
                return false
            }
            throw ExitCode((wrongCluster ? ExitStatus.wrongCluster : .noNodeReachable).rawValue)
        }
    }

    static func report(_ survey: ClusterSurvey) -> Report {
        let rows = survey.nodes.map { node -> Row in
            switch node.status {
            case .success(let status):
                return Row(
                    id: status.nodeID, address: node.endpoint.description, reachable: true, role: "\(status.role)",
                    voter: status.isVoter, term: status.term, leader: status.leaderID, commitIndex: status.commitIndex,
                    appliedIndex: status.appliedIndex, lastLogIndex: status.lastLogIndex, snapshotIndex: status.snapshotIndex,
                    lag: survey.lag(of: status, endpoint: node.endpoint)
                )
            case .failure(let error):
                let id = survey.members?.members.first { (try? KeelEndpoint(parsing: $0.clientAddress)) == node.endpoint }?.nodeID
                return Row(
                    id: id, address: node.endpoint.description, reachable: false, role: "unreachable",
                    lag: survey.lag(of: nil, endpoint: node.endpoint), error: Self.reason(error)
                )
            }
        }
        return Report(leader: survey.leader?.nodeID, term: survey.leader?.term, nodes: rows)
    }

    /// A short reason for an unreachable node (the client's full text is written for callers
    /// of the library).
    static func reason(_ error: KeelError) -> String {
        switch error {
        case .unavailable(let lastFailure), .timedOut(let lastFailure):
            lastFailure.contains("Connection refused") ? "connection refused (is the node running?)" : lastFailure
        case .wrongCluster(_, let message): "another cluster: \(message)"
        default: error.description
        }
    }
}
