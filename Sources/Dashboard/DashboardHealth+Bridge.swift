import Bridge
import Telemetry

extension DashboardHealth {
    /// `/healthz` of `run`: broker connection, writer state and the age of the last commit.
    /// An old last commit alone is not unhealthy: a quiet fleet sends nothing.
    public init(_ bridge: BridgeHealth, now: Int64) {
        var checks = [
            "broker": bridge.brokerConnected ? "connected" : "disconnected",
            "writer": bridge.lastCommitFailed ? "last commit failed" : "ok",
        ]
        if let last = bridge.lastCommitAt {
            checks["lastCommitAt"] = ISO8601Timestamp.string(last)
            checks["lastCommitAgeSeconds"] = String(Double(max(0, now - last)) / 1000)
        } else {
            checks["lastCommitAt"] = "never"
        }
        self.init(healthy: bridge.healthy, checks: checks)
    }
}
