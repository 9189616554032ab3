/// The daemon's health as `/healthz` reports it: unhealthy while the broker is disconnected or
/// when the last commit failed (SQLite refused the batch; the broker will redeliver it).
public struct BridgeHealth: Sendable, Hashable {
    public var brokerConnected: Bool
    public var lastCommitFailed: Bool
    /// Wall-clock ms of the last successful commit; nil before the first.
    public var lastCommitAt: Int64?

    public init(brokerConnected: Bool, lastCommitFailed: Bool, lastCommitAt: Int64?) {
        self.brokerConnected = brokerConnected
        self.lastCommitFailed = lastCommitFailed
        self.lastCommitAt = lastCommitAt
    }

    public var healthy: Bool { brokerConnected && !lastCommitFailed }
}
