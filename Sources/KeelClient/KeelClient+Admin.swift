import KeelWire

// Admin operations. They travel on the same connections as the key-value operations.
// Membership changes and leadership transfers are not stamped with a session, so the client
// retries them only while it is certain the previous attempt did nothing (no connection, a
// follower's NOT_LEADER, OVERLOADED, UNAVAILABLE before sending); once an attempt's outcome is
// unknown it throws ``KeelError/timedOut(lastFailure:)`` instead of repeating the change.
extension KeelClient {
    /// The status of one node: its role, term, leader, log indexes and, on the leader, its
    /// followers' progress.
    /// - Parameters:
    ///   - endpoint: The node to ask; it is asked even when it is not the leader.
    ///   - timeout: How long the call may take, retries included.
    /// - Throws: ``KeelError``; `CancellationError`.
    public func status(of endpoint: KeelEndpoint, timeout: Duration? = nil) async throws -> NodeStatus {
        guard case .status(let status) = try await self.admin(.status, route: .node(endpoint), timeout: timeout) else {
            throw KeelError.unexpectedResponse("expected a status result")
        }
        return status
    }

    /// The status of every configured endpoint, asked concurrently; a node that cannot be
    /// reached is reported with its error instead of failing the whole call.
    /// - Parameter timeout: How long each node may take.
    /// - Returns: One entry per endpoint, in the order the client was configured with.
    public func statusOfEveryNode(timeout: Duration? = nil) async -> [(endpoint: KeelEndpoint, status: Result<NodeStatus, KeelError>)] {
        await withTaskGroup(of: (Int, Result<NodeStatus, KeelError>).self) { group in
            for (index, endpoint) in self.endpoints.enumerated() {
                group.addTask {
                    do {
                        return (index, .success(try await self.status(of: endpoint, timeout: timeout)))
                    } catch let error as KeelError {
                        return (index, .failure(error))
                    } catch {
                        return (index, .failure(.unavailable(lastFailure: "\(error)")))
                    }
                }
            }
            var results = [Result<NodeStatus, KeelError>?](repeating: nil, count: self.endpoints.count)
            for await (index, result) in group {
                results[index] = result
            }
            return zip(self.endpoints, results).map { ($0, $1!) }
        }
    }

    /// The cluster's members as the leader knows them.
    /// - Parameter timeout: How long the call may take, retries included.
    /// - Throws: ``KeelError``; `CancellationError`.
    public func members(timeout: Duration? = nil) async throws -> ClusterMembership {
        guard case .members(let members, let leaderID) = try await self.admin(.members, route: .leader, timeout: timeout) else {
            throw KeelError.unexpectedResponse("expected a members result")
        }
        return ClusterMembership(members: members, leaderID: leaderID)
    }

    /// Adds a node as a learner: it receives the log without voting. Promote it with
    /// ``promote(nodeID:timeout:)`` once it has caught up.
    /// - Parameters:
    ///   - nodeID: The new node's id (not 0, not a current member).
    ///   - clientAddress: Where the new node serves clients (`host:port`).
    ///   - peerAddress: Where the new node listens for peers (`host:port`).
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The membership once the change is committed.
    /// - Throws: ``KeelError/invalidArgument(message:)`` when the cluster refuses the change
    ///   (already a member, another change in progress); other ``KeelError``s.
    @discardableResult
    public func addLearner(
        nodeID: UInt64,
        clientAddress: String,
        peerAddress: String,
        timeout: Duration? = nil
    ) async throws -> MembershipChange {
        let operation = AdminOperation.addLearner(nodeID: nodeID, clientAddress: clientAddress, peerAddress: peerAddress)
        guard case .addLearner(let members, let index) = try await self.admin(operation, route: .leader, timeout: timeout) else {
            throw KeelError.unexpectedResponse("expected an add-learner result")
        }
        return MembershipChange(members: members, appliedIndex: index)
    }

    /// Turns a caught-up learner into a voter.
    /// - Parameters:
    ///   - nodeID: The learner's id.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The membership once the change is committed.
    /// - Throws: ``KeelError/invalidArgument(message:)`` when the node is not a learner or has
    ///   not caught up; other ``KeelError``s.
    @discardableResult
    public func promote(nodeID: UInt64, timeout: Duration? = nil) async throws -> MembershipChange {
        guard case .promote(let members, let index) = try await self.admin(.promote(nodeID: nodeID), route: .leader, timeout: timeout) else {
            throw KeelError.unexpectedResponse("expected a promote result")
        }
        return MembershipChange(members: members, appliedIndex: index)
    }

    /// Removes a voter or a learner from the cluster.
    /// - Parameters:
    ///   - nodeID: The member's id.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The membership once the change is committed.
    /// - Throws: ``KeelError/invalidArgument(message:)`` when the node is not a member or is
    ///   the last voter; other ``KeelError``s.
    @discardableResult
    public func remove(nodeID: UInt64, timeout: Duration? = nil) async throws -> MembershipChange {
        guard case .remove(let members, let index) = try await self.admin(.remove(nodeID: nodeID), route: .leader, timeout: timeout) else {
            throw KeelError.unexpectedResponse("expected a remove result")
        }
        return MembershipChange(members: members, appliedIndex: index)
    }

    /// Hands leadership to another voter and waits until it leads.
    /// - Parameters:
    ///   - nodeID: The voter that should lead.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The new leader and its term.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func transferLeadership(to nodeID: UInt64, timeout: Duration? = nil) async throws -> LeadershipTransfer {
        let result = try await self.admin(.transferLeadership(to: nodeID), route: .leader, timeout: timeout)
        guard case .transferLeadership(let leaderID, let term) = result else {
            throw KeelError.unexpectedResponse("expected a transfer-leadership result")
        }
        // The old leader now answers NOT_LEADER with the new one's address; start from there.
        self.forgetBelievedLeader()
        return LeadershipTransfer(leaderID: leaderID, term: term)
    }

    /// Makes one node snapshot its state machine now and compact its log behind it.
    /// - Parameters:
    ///   - endpoint: The node that should take the snapshot.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The index and term the snapshot covers.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func takeSnapshot(on endpoint: KeelEndpoint, timeout: Duration? = nil) async throws -> SnapshotTaken {
        guard case .takeSnapshot(let index, let term) = try await self.admin(.takeSnapshot, route: .node(endpoint), timeout: timeout) else {
            throw KeelError.unexpectedResponse("expected a take-snapshot result")
        }
        return SnapshotTaken(index: index, term: term)
    }

    private func admin(_ operation: AdminOperation, route: RequestRoute, timeout: Duration?) async throws -> AdminResult {
        // Status, members and snapshots change nothing a retry could double.
        let retryAfterUnknownOutcome: Bool
        switch operation {
        case .status, .members, .takeSnapshot:
            retryAfterUnknownOutcome = true
        case .addLearner, .promote, .remove, .transferLeadership:
            retryAfterUnknownOutcome = false
        }
        let result = try await self.execute(
            .admin(operation),
            route: route,
            timeout: timeout,
            retryAfterUnknownOutcome: retryAfterUnknownOutcome
        )
        guard case .admin(let adminResult) = result else {
            throw KeelError.unexpectedResponse("expected an admin result, got \(result)")
        }
        return adminResult
    }
}
