import ArgumentParser

/// keelctl's exit statuses, one per kind of failure a person or a script must tell apart.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    /// A node failed or answered something unexpected.
    case failure = 1
    case noNodeReachable = 2
    case noLeader = 3
    /// `health`: a leader exists but fewer than a majority of the voters answer.
    case noQuorum = 4
    case memberUnknown = 5
    /// The deadline passed; a change may or may not have been made.
    case timedOut = 6
    /// The cluster refused the request (invalid, a failed condition, too large).
    case refused = 7
    case wrongCluster = 8
    case keyNotFound = 9
    /// Bad command-line arguments (swift-argument-parser's code).
    case usage = 64

    var meaning: String {
        switch self {
        case .success: "success (health: a leader exists and a quorum of voters answers)"
        case .failure: "a node failed or answered something unexpected"
        case .noNodeReachable: "no node could be reached"
        case .noLeader: "nodes answer but there is no leader yet"
        case .noQuorum: "health: a leader exists but fewer than a majority of voters answer"
        case .memberUnknown: "the node id is not a member (or not a learner, for promote)"
        case .timedOut: "timed out; a change may or may not have been made"
        case .refused: "the cluster refused the request as invalid"
        case .wrongCluster: "a node belongs to another cluster id or speaks another protocol version"
        case .keyNotFound: "kv get: the key does not exist; feed remove: no such activity is stored"
        case .usage: "invalid command-line arguments"
        }
    }

    static var helpText: String {
        allCases.map { "  \(String($0.rawValue).padding(toLength: 3, withPad: " ", startingAt: 0)) \($0.meaning)" }
            .joined(separator: "\n")
    }
}

/// A failure keelctl explains to the person and turns into its exit status.
struct KeelctlFailure: Error, CustomStringConvertible {
    var status: ExitStatus
    var message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { message }
}
