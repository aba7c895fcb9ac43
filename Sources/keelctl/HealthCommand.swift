import ArgumentParser

/// `keelctl health`: a yes/no for scripts and probes.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Exit 0 only when a leader exists and a majority of the voters answers.",
        discussion: "Exit 2: no node reachable; 3: no leader; 4: a leader but no quorum answering."
    )

    @OptionGroup var connection: ConnectionOptions

    struct Report: Encodable {
        var healthy: Bool
        var leader: UInt64?
        var voters: Int
        var votersAnswering: Int
        var reason: String
    }

    func run() async throws {
        let survey = try await connection.withCluster { await $0.survey() }
        let voters = survey.voterIDs
        let answering = survey.reachable.filter { voters.contains($0.nodeID) }.count
        let status: ExitStatus
        let reason: String
        if survey.reachable.isEmpty {
            (status, reason) = (.noNodeReachable, "no node is reachable")
        } else if survey.leader == nil {
            (status, reason) = (.noLeader, "no leader")
        } else if !survey.quorumAnswers {
            (status, reason) = (.noQuorum, "only \(answering) of \(voters.count) voters answer")
        } else {
            (status, reason) = (.success, "leader \(survey.leader!.nodeID), \(answering) of \(voters.count) voters answer")
        }
        if connection.json {
            try JSONOutput.print(Report(
                healthy: status == .success, leader: survey.leader?.nodeID, voters: voters.count,
                votersAnswering: answering, reason: reason
            ))
        } else {
            print(status == .success ? "healthy: \(reason)" : "unhealthy: \(reason)")
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }
}
