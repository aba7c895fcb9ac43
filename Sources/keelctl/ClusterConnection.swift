import ArgumentParser
import Foundation
import KeelClient
import Logging

/// A `KeelClient` for one keelctl command, plus what keelctl needs around it: a survey of
/// every node and errors explained in a person's terms.
struct ClusterConnection: Sendable {
    let client: KeelClient
    let timeout: Duration

    init(options: ConnectionOptions) throws {
        var configuration = KeelClientConfiguration(clusterID: options.resolvedClusterID)
        configuration.requestTimeout = options.duration
        configuration.connectTimeout = min(.seconds(1), options.duration)
        var logger = Logger(label: "keelctl")
        logger.logLevel = .critical
        do {
            client = try KeelClient(endpoints: options.resolvedEndpoints, configuration: configuration, logger: logger)
        } catch {
            throw ValidationError("\(error)")
        }
        timeout = options.duration
    }

    func close() async {
        await client.shutdown()
    }

    /// Every configured node's status, plus the members the leader knows of that are not
    /// among the endpoints (a node added later).
    func survey() async -> ClusterSurvey {
        var nodes = await client.statusOfEveryNode(timeout: timeout).map {
            ClusterSurvey.Node(endpoint: $0.endpoint, status: $0.status)
        }
        var survey = ClusterSurvey(nodes: nodes, members: nil)
        guard survey.leader != nil, let membership = try? await client.members(timeout: timeout) else { return survey }
        let known = Set(nodes.map(\.endpoint))
        let extra = membership.members.compactMap { member -> KeelEndpoint? in
            guard let endpoint = try? KeelEndpoint(parsing: member.clientAddress), !known.contains(endpoint) else { return nil }
            return endpoint
        }
        for endpoint in extra {
            do {
                nodes.append(.init(endpoint: endpoint, status: .success(try await client.status(of: endpoint, timeout: timeout))))
            } catch let error as KeelError {
                nodes.append(.init(endpoint: endpoint, status: .failure(error)))
            } catch {
                nodes.append(.init(endpoint: endpoint, status: .failure(.unavailable(lastFailure: "\(error)"))))
            }
        }
        survey = ClusterSurvey(nodes: nodes, members: membership)
        return survey
    }

    /// The members as the leader knows them; fails with ``ExitStatus/memberUnknown`` when
    /// `nodeID` is not one of them.
    func member(_ nodeID: UInt64) async throws -> ClusterMember {
        let membership = try await client.members(timeout: timeout)
        guard let member = membership.members.first(where: { $0.nodeID == nodeID }) else {
            let ids = membership.members.map { "\($0.nodeID)" }.joined(separator: ", ")
            throw KeelctlFailure(.memberUnknown, "node \(nodeID) is not a member of the cluster (members: \(ids))")
        }
        return member
    }

    /// Turns what a command threw into a failure a person understands.
    func explain(_ error: any Error) async -> KeelctlFailure {
        if let failure = error as? KeelctlFailure { return failure }
        guard let error = error as? KeelError else {
            return KeelctlFailure(.failure, "\(error)")
        }
        switch error {
        case .unavailable(let lastFailure):
            return await diagnoseUnavailable(lastFailure: lastFailure)
        case .timedOut(let lastFailure):
            if lastFailure.contains("learnerNotCaughtUp") {
                return KeelctlFailure(.refused, "the learner has not caught up with the leader's log yet; try again shortly")
            }
            return KeelctlFailure(.timedOut, "timed out after \(timeout); the change may or may not have been made (last failure: \(lastFailure))")
        case .wrongCluster(let endpoint, let message):
            return KeelctlFailure(.wrongCluster, "the node at \(endpoint) belongs to another cluster (\(message)); check --cluster-id")
        case .unsupportedVersion(let endpoint, let message):
            return KeelctlFailure(.wrongCluster, "the node at \(endpoint) speaks another protocol version (\(message))")
        case .invalidArgument(let message):
            if message.contains("notAMember") || message.contains("notALearner") || message.contains("invalidTransferTarget") {
                return KeelctlFailure(.memberUnknown, "the cluster refused: \(message)")
            }
            return KeelctlFailure(.refused, "the cluster refused the request: \(message)")
        case .conditionFailed(let message), .tooLarge(let message), .unknownCommand(let message):
            return KeelctlFailure(.refused, "the cluster refused the request: \(message)")
        case .invalidEndpoint(let text):
            return KeelctlFailure(.usage, "\"\(text)\" is not host:port")
        case .serverFailure, .unexpectedResponse, .shutDown:
            return KeelctlFailure(.failure, error.description)
        }
    }

    /// "Unavailable" covers both "nothing answers" and "no leader": ask every node to tell.
    private func diagnoseUnavailable(lastFailure: String) async -> KeelctlFailure {
        let survey = ClusterSurvey(
            nodes: await client.statusOfEveryNode(timeout: min(timeout, .seconds(2))).map {
                ClusterSurvey.Node(endpoint: $0.endpoint, status: $0.status)
            },
            members: nil
        )
        let endpoints = client.endpoints.map(\.description).joined(separator: ", ")
        if survey.reachable.isEmpty {
            return KeelctlFailure(.noNodeReachable, "no node is reachable at \(endpoints); is the cluster running (cluster/up)?")
        }
        if survey.leader == nil {
            return KeelctlFailure(.noLeader, "\(survey.reachable.count) node(s) answer but there is no leader yet; wait for an election or check that a majority of voters runs")
        }
        return KeelctlFailure(.failure, "the cluster did not accept the request in time (last failure: \(lastFailure))")
    }
}
