import KeelWire
import Metrics

/// The client and admin service, named `keel_client_...`.
struct ClientServiceMetrics: Sendable {
    /// Client connections open now (after the handshake or not).
    let connections = Meter(label: "keel_client_connections")
    /// Client connections closed at the handshake or for a protocol violation.
    let connectionsRefused = Counter(label: "keel_client_connections_refused_total")
    /// Answered requests by type and outcome, made up front so every series exists from the
    /// start (a rate over a series that appears late misses its first increments).
    private let requests: [SeriesKey: Counter]
    /// Time from a request's arrival to its answer, by type.
    private let latency: [RequestType: Timer]

    static let latencyLabel = "keel_client_request_seconds"

    init() {
        var requests: [SeriesKey: Counter] = [:]
        var latency: [RequestType: Timer] = [:]
        for type in RequestType.allCases {
            latency[type] = Timer(label: Self.latencyLabel, dimensions: [("type", type.rawValue)])
            for outcome in Outcome.allCases {
                requests[SeriesKey(type: type, outcome: outcome)] = Counter(
                    label: "keel_client_requests_total", dimensions: [("type", type.rawValue), ("outcome", outcome.rawValue)]
                )
            }
        }
        self.requests = requests
        self.latency = latency
    }

    /// What a request asked for, as the `type` label.
    enum RequestType: String, Sendable, CaseIterable {
        case get, getMany = "get_many", scan, put, delete, compareAndSet = "compare_and_set", increment, batch, admin, unknown
        /// Sorted-set writes (add, add-to-many, remove, trim, ...) and reads (score, count, ranges).
        case sortedSetWrite = "zset_write", sortedSetRead = "zset_read"
        /// A frame that did not decode as a request.
        case invalid
    }

    /// How a request ended, as the `outcome` label.
    enum Outcome: String, Sendable, CaseIterable {
        /// Answered with a result.
        case ok
        /// Refused by a follower; the client retries at the leader.
        case notLeader = "not_leader"
        /// Answered because its deadline passed.
        case timeout
        /// Any other error answer.
        case error
    }

    private struct SeriesKey: Hashable {
        var type: RequestType
        var outcome: Outcome
    }

    /// Counts one answered request and its time from arrival to answer.
    func record(_ type: RequestType, _ outcome: Outcome, nanoseconds: Int64) {
        requests[SeriesKey(type: type, outcome: outcome)]?.increment()
        latency[type]?.recordNanoseconds(nanoseconds)
    }

    static func type(of operation: ClientOperation) -> RequestType {
        switch operation {
        case .get: .get
        case .getMany: .getMany
        case .scan: .scan
        case .write(.put): .put
        case .write(.delete): .delete
        case .write(.compareAndSet): .compareAndSet
        case .write(.increment): .increment
        case .batch: .batch
        case .sortedSet(let operation): operation.consistency == nil ? .sortedSetWrite : .sortedSetRead
        case .admin: .admin
        case .unknown: .unknown
        }
    }

    static func outcome(of result: ClientResult) -> Outcome {
        guard case .error(let reply) = result else { return .ok }
        switch reply.code {
        case .notLeader: return .notLeader
        case .timeout: return .timeout
        default: return .error
        }
    }
}
