import Bridge
import Telemetry

extension DashboardHealth {
    /// `/healthz` of `run`: broker connection, writer state, the age of the last commit and each
    /// alert sink (`delivery:<sink>`).
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
        for sink in bridge.sinks {
            if let since = sink.failingSince {
                let seconds = Double(max(0, now - since)) / 1000
                checks["delivery:\(sink.name)"] = (sink.degraded ? "degraded: " : "") + "failing for \(seconds) s"
                    + (sink.lastFailure.map { ": \($0)" } ?? "")
            } else {
                checks["delivery:\(sink.name)"] = "ok"
            }
        }
        self.init(healthy: bridge.healthy, degraded: bridge.degraded, checks: checks)
    }
}
