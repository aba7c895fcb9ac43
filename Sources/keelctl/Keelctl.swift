import ArgumentParser

/// `keelctl`: look at and operate a Keel cluster.
@main
struct Keelctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keelctl",
        abstract: "Look at and operate a Keel cluster: status, membership, leadership, snapshots, keys, sorted sets, activity feeds.",
        discussion: """
        Endpoints come from --endpoints or KEEL_ENDPOINTS (default \(ConnectionOptions.defaultEndpoints)), \
        the cluster id from --cluster-id or KEEL_CLUSTER_ID (default \(ConnectionOptions.defaultClusterID), \
        the id the cluster/ scripts use).

        EXIT STATUS
        \(ExitStatus.helpText)
        """,
        subcommands: [
            StatusCommand.self, HealthCommand.self, MembersCommand.self, LeaderCommand.self,
            SnapshotCommand.self, KeyValueCommand.self, SortedSetCommand.self, FeedCommand.self,
        ]
    )
}
