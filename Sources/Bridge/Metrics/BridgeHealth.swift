/// The daemon's health as `/healthz` reports it: unhealthy while the broker is disconnected or
/// when the last commit failed (SQLite refused the batch; the broker will redeliver it); degraded
/// (still healthy: ingest is fine) while an alert sink has been failing for longer than
/// `delivery-degraded-after`.
public struct BridgeHealth: Sendable, Hashable {
    public var brokerConnected: Bool
    public var lastCommitFailed: Bool
    /// Wall-clock ms of the last successful commit; nil before the first.
    public var lastCommitAt: Int64?
    /// Every alert sink's state.
    public var sinks: [Sink]

    /// One alert sink: degraded once it has failed for longer than the threshold.
    public struct Sink: Sendable, Hashable {
        public var name: String
        public var degraded: Bool
        /// The current run of failures: since when and why; nil while delivering.
        public var failingSince: Int64?
        public var lastFailure: String?

        public init(name: String, degraded: Bool, failingSince: Int64? = nil, lastFailure: String? = nil) {
            self.name = name
            self.degraded = degraded
            self.failingSince = failingSince
            self.lastFailure = lastFailure
        }
    }

    public init(brokerConnected: Bool, lastCommitFailed: Bool, lastCommitAt: Int64?, sinks: [Sink] = []) {
        self.brokerConnected = brokerConnected
        self.lastCommitFailed = lastCommitFailed
        self.lastCommitAt = lastCommitAt
        self.sinks = sinks
    }

    public var healthy: Bool { brokerConnected && !lastCommitFailed }

    public var degraded: Bool { sinks.contains(where: \.degraded) }
}
