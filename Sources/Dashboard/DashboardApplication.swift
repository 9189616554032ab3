import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import Operations
import Rules
import Storage
import Telemetry

/// The dashboard's JSON API over a ``Storage/TelemetryStore``: devices, downsampled series,
/// alert history, the fleet state at any moment, dead letters and a health check.
///
/// Build the routes with ``router()`` (tests drive it in `.router` mode) or a whole server with
/// ``application(configuration:logger:)``. Store reads are synchronous SQLite reads on reader
/// connections, run on NIO's blocking thread pool, never on Swift concurrency's cooperative
/// threads, so `/healthz` and the streams stay responsive while a large query runs; every answer
/// is JSON, errors as `{"error": ..., "parameter": ...}`. ``settings`` bound what clients may take.
public struct DashboardApplication: Sendable {
    /// Time of now in ms since the epoch: the default end of a series range.
    public typealias Clock = @Sendable () -> Int64
    /// Reports the daemon's health for `/healthz`.
    public typealias HealthProvider = @Sendable () async -> DashboardHealth
    /// The rule set in force, asked at each request that rebuilds pending alerts.
    public typealias RulesProvider = @Sendable () -> RuleSet?
    /// A running engine's pending alerts now (cheap: no store read).
    public typealias PendingProvider = @Sendable () -> [PendingAlert]
    /// Carries out an operator's command (acknowledge, silence, unsilence); blocks on SQLite.
    public typealias CommandPerformer = @Sendable (OperatorCommand) throws(OperatorError) -> LoggedAlertEvent

    public let store: TelemetryStore
    let now: Clock
    let health: HealthProvider
    let api: DashboardAPI
    /// `/metrics`; absent, the route answers 404.
    let metrics: MetricsEndpoint?
    /// `/api/events`; without ingest (`serve`) a broadcaster nobody publishes to, so streams only keep alive.
    public let events: LiveEvents
    /// Limits and credentials; `events` carries its stream limits itself.
    public let settings: HTTPServerSettings
    let connections: ConnectionTable

    /// `rules`: the rule set whose pending alerts `/api/state` and `/api/overview` rebuild at T
    /// (from the stored log, per request); nil shows none.
    public init(
        store: TelemetryStore,
        now: @escaping Clock,
        health: @escaping HealthProvider = { DashboardHealth(healthy: true) },
        rules: RuleSet? = nil,
        metrics: MetricsEndpoint? = nil,
        events: LiveEvents = LiveEvents(),
        settings: HTTPServerSettings = HTTPServerSettings()
    ) {
        self.init(store: store, now: now, health: health, currentRules: { rules }, metrics: metrics, events: events,
                  settings: settings)
    }

    /// `currentRules`: asked per request, so pending alerts follow a daemon's rule reloads;
    /// `livePending`: the daemon's engine, for answers about now (a warm-up otherwise);
    /// `commands`: how operators' commands are carried out (nil: straight on the store, see
    /// `AlertOperator`; a running bridge passes its pipeline's, so its engine sees them at once).
    public init(
        store: TelemetryStore,
        now: @escaping Clock,
        health: @escaping HealthProvider = { DashboardHealth(healthy: true) },
        currentRules: @escaping RulesProvider,
        livePending: PendingProvider? = nil,
        commands: CommandPerformer? = nil,
        metrics: MetricsEndpoint? = nil,
        events: LiveEvents = LiveEvents(),
        settings: HTTPServerSettings = HTTPServerSettings()
    ) {
        self.settings = settings
        connections = ConnectionTable(limit: settings.maximumConnections)
        self.store = store
        self.now = now
        self.health = health
        self.metrics = metrics
        self.events = events
        let perform: CommandPerformer
        if let commands {
            perform = commands
        } else {
            let operations = AlertOperator(store: store)
            perform = { command throws(OperatorError) in try command.perform(with: operations, now: now()) }
        }
        api = DashboardAPI(store: store, now: now, requestTimeout: settings.requestTimeout, currentRules: currentRules,
                           livePending: livePending, perform: perform)
    }

    /// The threads API answers are computed on (their store reads block), apart from NIO's
    /// shared blocking pool: `/healthz`, live events and static pages never wait behind them.
    public static var handlerPool: NIOThreadPool { DashboardAPI.handlerPool }
    /// The number of threads of ``handlerPool``.
    public static var handlerThreads: Int { DashboardAPI.handlerThreads }

    /// The API's routes. `loopbackOnly`: accept only loopback host names in `Host` (the server
    /// listens on loopback; see ``RequestGuard``).
    public func router(loopbackOnly: Bool = true) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestGuard(settings: settings, loopbackOnly: loopbackOnly))
        let api = self.api
        let health = self.health
        let endpoints: [(String, @Sendable (DashboardAPI, QueryParameters) throws(APIError) -> Response)] = [
            ("/api/devices", { api, _ throws(APIError) in try api.devices() }),
            ("/api/series", { api, query throws(APIError) in try api.series(query) }),
            ("/api/alerts", { api, query throws(APIError) in try api.alerts(query) }),
            ("/api/deliveries", { api, query throws(APIError) in try api.deliveries(query) }),
            ("/api/state", { api, query throws(APIError) in try api.state(query) }),
            ("/api/deadletters", { api, query throws(APIError) in try api.deadLetters(query) }),
            ("/api/silences", { api, query throws(APIError) in try api.silences(query) }),
            ("/api/silences/preview", { api, query throws(APIError) in try api.silencePreview(query) }),
        ]
        for (path, handler) in endpoints {
            router.get(RouterPath(path)) { request, _ in
                let query = QueryParameters(request)
                return try await api.respond { () throws(APIError) in try handler(api, query) }
            }
        }
        router.get("/api/overview") { request, _ in
            let query = QueryParameters(request)
            return try await api.respond(async: { () async throws(APIError) in try await api.overview(query) })
        }
        router.post("/api/backtest") { request, _ in
            let query = QueryParameters(request)
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: DashboardAPI.maximumDraftBytes)
            } catch {
                return JSONResponse.error(.badParameter("rules", "the draft is larger than \(DashboardAPI.maximumDraftBytes) bytes"))
            }
            let bytes = Array(buffer: body)
            return try await api.respond { () throws(APIError) in try api.backtest(query, draft: bytes) }
        }
        router.post("/api/commands/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: OperatorCommand.maximumBytes)
            } catch {
                return JSONResponse.raw(OperatorCommand.response(
                    .failure(OperatorError(.invalid, "command larger than \(OperatorCommand.maximumBytes) bytes")), requestID: nil),
                    status: .contentTooLarge)
            }
            let bytes = Array(buffer: body)
            return try await api.respond { () throws(APIError) in api.command(name, body: bytes) }
        }
        router.get("/healthz") { _, _ in
            let report = await health()
            return JSONResponse.encode(
                APIResponses.Health(status: report.status, checks: report.checks),
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

    /// A server for the API. Listens on `host`:`port` (port 0: any free one) within
    /// ``settings``' bounds; `onServerRunning` gets the bound port.
    public func application(
        host: String = "127.0.0.1", port: Int = 8080,
        logger: Logger = Logger(label: "telemetry-bridge.dashboard"),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let table = connections
        let slowClientTimeout = settings.slowClientTimeout
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionGuard(table: table, slowClientTimeout: slowClientTimeout)],
            idleTimeout: TimeAmount(settings.idleTimeout))
        return Application(
            router: router(loopbackOnly: Self.isLoopback(host)),
            server: .http1(configuration: http1),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// HTTP connections open now.
    public var openConnections: Int { connections.connections }
    /// Connections closed at once: ``HTTPServerSettings/maximumConnections`` were open, all busy.
    public var refusedConnections: Int { connections.refusedConnections }
    /// Idle connections closed to make room for new ones at the limit.
    public var evictedConnections: Int { connections.evictedConnections }
    /// Clients dropped because they read none of their response for the slow-client timeout.
    public var droppedSlowClients: Int { connections.droppedSlowClients }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
