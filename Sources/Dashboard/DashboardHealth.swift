/// What `/healthz` reports: whether the daemon is healthy and the facts behind it (e.g. broker
/// connected, age of the last commit). Unhealthy answers 503 so load balancers and probes notice;
/// degraded (an alert sink failing, ingest fine) answers 200 with status `degraded`, so a probe
/// does not restart a daemon whose outbox is only waiting for a receiver.
public struct DashboardHealth: Sendable, Hashable {
    public var healthy: Bool
    public var degraded: Bool
    /// Named facts shown in the response's `checks` object.
    public var checks: [String: String]

    public init(healthy: Bool, degraded: Bool = false, checks: [String: String] = [:]) {
        self.healthy = healthy
        self.degraded = degraded
        self.checks = checks
    }

    /// `ok`, `degraded` or `unhealthy`.
    public var status: String {
        healthy ? (degraded ? "degraded" : "ok") : "unhealthy"
    }
}
