/// What `/healthz` reports: whether the daemon is healthy and the facts behind it (e.g. broker
/// connected, age of the last commit). Unhealthy answers 503 so load balancers and probes notice.
public struct DashboardHealth: Sendable, Hashable {
    public var healthy: Bool
    /// Named facts shown in the response's `checks` object.
    public var checks: [String: String]

    public init(healthy: Bool, checks: [String: String] = [:]) {
        self.healthy = healthy
        self.checks = checks
    }
}
