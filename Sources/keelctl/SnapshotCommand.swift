import ArgumentParser
import KeelClient

/// `keelctl snapshot --node ID`.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Make one node snapshot its state machine now and compact its log behind it."
    )

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The node that should take the snapshot.") var node: UInt64

    struct Report: Encodable {
        var node: UInt64
        var index: UInt64
        var term: UInt64
    }

    func run() async throws {
        let taken = try await connection.withCluster { cluster in
            // Find the node among the endpoints first: that works without a leader.
            let statuses = await cluster.client.statusOfEveryNode(timeout: cluster.timeout)
            if let endpoint = statuses.first(where: { (try? $0.status.get())?.nodeID == node })?.endpoint {
                return try await cluster.client.takeSnapshot(on: endpoint, timeout: cluster.timeout)
            }
            let member = try await cluster.member(node)
            guard let endpoint = try? KeelEndpoint(parsing: member.clientAddress) else {
                throw KeelctlFailure(.failure, "the cluster does not know node \(node)'s client address; pass it with --endpoints")
            }
            return try await cluster.client.takeSnapshot(on: endpoint, timeout: cluster.timeout)
        }
        if connection.json {
            try JSONOutput.print(Report(node: node, index: taken.index, term: taken.term))
        } else {
            print("node \(node) snapshot at index \(taken.index), term \(taken.term)")
        }
    }
}
