import Telemetry

extension BridgeHealth {
    /// The named checks `/healthz` of `run` shows: broker connection, writer state, the age of
    /// the last commit and each alert sink (`delivery:<sink>`). An old last commit alone is not
    /// unhealthy: a quiet fleet sends nothing.
    public func checks(now: Int64) -> [String: String] {
        var checks = [
            "broker": brokerConnected ? "connected" : "disconnected",
            "writer": lastCommitFailed ? "last commit failed" : "ok",
        ]
        if let last = lastCommitAt {
            checks["lastCommitAt"] = ISO8601Timestamp.string(last)
            checks["lastCommitAgeSeconds"] = String(Double(max(0, now - last)) / 1000)
        } else {
            checks["lastCommitAt"] = "never"
        }
        for sink in sinks {
            if let since = sink.failingSince {
                let seconds = Double(max(0, now - since)) / 1000
                checks["delivery:\(sink.name)"] = (sink.degraded ? "degraded: " : "") + "failing for \(seconds) s"
                    + (sink.lastFailure.map { ": \($0)" } ?? "")
            } else {
                checks["delivery:\(sink.name)"] = "ok"
            }
        }
        return checks
    }
}
