/// How much the dashboard's HTTP server lets clients take, and who may use it (the live event
/// streams' own limits are ``LiveEvents``').
///
/// The defaults suit the loopback listener: a web page open in the operator's browser can reach
/// it, so every bound holds with no configuration, and authentication is there for those who
/// put the dashboard on a network.
public struct HTTPServerSettings: Sendable {
    /// Open connections at most. At the limit a new connection evicts the one idle the longest;
    /// when every one is busy, the new one is closed as soon as it is accepted.
    public var maximumConnections = 512
    /// A connection that sends no request (or no more of one) for this long is closed.
    public var idleTimeout: Duration = .seconds(30)
    /// A client that reads none of its response for this long is dropped (a stream it never reads
    /// would otherwise hold its buffers for ever).
    public var slowClientTimeout: Duration = .seconds(10)
    /// Longest wait for an API answer; a slower one is a 503 naming the limit.
    public var requestTimeout: Duration = .seconds(30)
    /// Longest request target (path and query), in bytes; longer gets 414.
    public var maximumTargetBytes = 8 * 1024
    /// Largest request body, in bytes; larger gets 413.
    public var maximumBodyBytes = 64 * 1024
    /// Credentials every request but `/healthz` must carry; nil: none.
    public var authentication: HTTPAuthentication?
    /// An origin (`https://grafana.example.com`) allowed to use the API from its pages (CORS and
    /// non-GET requests); nil: same origin only.
    public var allowedOrigin: String?

    public init() {}
}

/// Credentials for the dashboard: a bearer token, HTTP basic authentication, or both.
public struct HTTPAuthentication: Sendable {
    public var bearerToken: String?
    public var basic: (username: String, password: String)?

    public init(bearerToken: String? = nil, basic: (username: String, password: String)? = nil) {
        self.bearerToken = bearerToken
        self.basic = basic
    }
}
