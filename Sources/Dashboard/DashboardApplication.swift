import Hummingbird
import Logging
import Rules
import Storage
import Telemetry

/// The dashboard's JSON API over a ``Storage/TelemetryStore``: devices, downsampled series,
/// alert history, the fleet state at any moment, dead letters and a health check.
///
/// Build the routes with ``router()`` (tests drive it in `.router` mode) or a whole server with
/// ``application(configuration:logger:)``. Store reads are synchronous SQLite reads on reader
/// connections; every answer is JSON, errors as `{"error": ..., "parameter": ...}`.
public struct DashboardApplication: Sendable {
    /// Time of now in ms since the epoch: the default end of a series range.
    public typealias Clock = @Sendable () -> Int64
    /// Reports the daemon's health for `/healthz`.
    public typealias HealthProvider = @Sendable () async -> DashboardHealth
    /// The rule set in force, asked at each request that rebuilds pending alerts.
    public typealias RulesProvider = @Sendable () -> RuleSet?

    public let store: TelemetryStore
    let now: Clock
    let health: HealthProvider
    let api: DashboardAPI
    /// `/metrics`; absent, the route answers 404.
    let metrics: MetricsEndpoint?
    /// `/api/events`; without ingest (`serve`) a broadcaster nobody publishes to, so streams only keep alive.
    public let events: LiveEvents

    /// `rules`: the rule set whose pending alerts `/api/state` and `/api/overview` rebuild at T
    /// (from the stored log, per request); nil shows none.
    public init(
        store: TelemetryStore,
        now: @escaping Clock,
        health: @escaping HealthProvider = { DashboardHealth(healthy: true) },
        rules: RuleSet? = nil,
        metrics: MetricsEndpoint? = nil,
        events: LiveEvents = LiveEvents()
    ) {
        self.init(store: store, now: now, health: health, currentRules: { rules }, metrics: metrics, events: events)
    }

    /// `currentRules`: asked per request, so pending alerts follow a daemon's rule reloads.
    public init(
        store: TelemetryStore,
        now: @escaping Clock,
        health: @escaping HealthProvider = { DashboardHealth(healthy: true) },
        currentRules: @escaping RulesProvider,
        metrics: MetricsEndpoint? = nil,
        events: LiveEvents = LiveEvents()
    ) {
        self.store = store
        self.now = now
        self.health = health
        self.metrics = metrics
        self.events = events
        api = DashboardAPI(store: store, now: now, currentRules: currentRules)
    }

    /// The API's routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let api = self.api
        let health = self.health
        router.get("/api/devices") { _, _ in api.respond { () throws(APIError) in try api.devices() } }
        router.get("/api/series") { request, _ in api.respond { () throws(APIError) in try api.series(QueryParameters(request)) } }
        router.get("/api/alerts") { request, _ in api.respond { () throws(APIError) in try api.alerts(QueryParameters(request)) } }
        router.get("/api/state") { request, _ in api.respond { () throws(APIError) in try api.state(QueryParameters(request)) } }
        router.get("/api/overview") { request, _ in api.respond { () throws(APIError) in try api.overview(QueryParameters(request)) } }
        router.get("/api/deadletters") { request, _ in
            api.respond { () throws(APIError) in try api.deadLetters(QueryParameters(request)) }
        }
        router.get("/healthz") { _, _ in
            let report = await health()
            return JSONResponse.encode(
                APIResponses.Health(status: report.healthy ? "ok" : "unhealthy", checks: report.checks),
                status: report.healthy ? .ok : .serviceUnavailable)
        }
        if let metrics {
            router.get("/metrics") { _, _ in metrics.response() }
        }
        let events = self.events
        router.get("/api/events") { _, _ in EventStreamResponse.response(events) }
        DashboardAssets.addRoutes(to: router)
        return router
    }

    /// A server for the API. Listens where `configuration` says (loopback by default).
    public func application(
        configuration: ApplicationConfiguration = .init(address: .hostname("127.0.0.1", port: 8080)),
        logger: Logger = Logger(label: "telemetry-bridge.dashboard")
    ) -> some ApplicationProtocol {
        Application(router: router(), configuration: configuration, logger: logger)
    }
}
