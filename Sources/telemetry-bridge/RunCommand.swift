import ArgumentParser
import Bridge
import Dashboard
import Metrics
import Operations
import Prometheus
import Telemetry

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bridge: subscribe, decode, store readings and dead letters, raise and clear alerts."
    )

    @OptionGroup(title: "Broker") var broker: BrokerOptions

    @OptionGroup(title: "Catalog and logging") var catalog: CatalogOptions

    @OptionGroup(title: "Catalog and logging") var log: LogOptions

    @OptionGroup(title: "Ingest") var ingest: IngestOptions

    @OptionGroup(title: "Rules and alerts") var alertRules: AlertRuleOptions

    @OptionGroup(title: "Alert delivery") var deliveryOptions: DeliveryOptions

    @OptionGroup(title: "Retention") var retention: RetentionOptions

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @OptionGroup(title: "Dashboard") var httpOptions: HTTPOptions

    func run() throws {
        let groups: [any SettingFlags] = [catalog, log, ingest, alertRules, deliveryOptions, retention, limits, httpOptions]
        let configuration = try broker.resolve(extraFlags: groups.flags)
        let logger = LogSetup.bootstrap(level: configuration.logLevel)
        guard let address = configuration.http else {
            do {
                try BridgeDaemon(configuration: configuration, logger: logger).run()
            } catch {
                throw CommandFailure.exit(error)
            }
            return
        }
        // One registry for the process: the global metrics system and the bridge's instruments.
        let registry = PrometheusCollectorRegistry()
        let factory = MetricsEndpoint.factory(registry: registry, histogramBuckets: BridgeMetrics.histogramBuckets)
        MetricsSystem.bootstrap(factory)
        let events = LiveEvents(maximumSubscribers: configuration.httpMaxStreams)
        let daemon: BridgeDaemon
        do {
            daemon = try BridgeDaemon(configuration: configuration, logger: logger, metrics: BridgeMetrics(factory: factory),
                                      commitObserver: events.publish)
        } catch {
            throw CommandFailure.exit(error)
        }
        let dashboard = DashboardApplication(
            store: daemon.store, now: WallClock.milliseconds,
            health: {
                let health = daemon.health()
                return DashboardHealth(healthy: health.healthy, degraded: health.degraded,
                                       checks: health.checks(now: WallClock.milliseconds()))
            },
            currentRules: { daemon.rules },
            livePending: { daemon.pendingAlerts },
            commands: { command throws(OperatorError) in try daemon.perform(command) },
            metrics: MetricsEndpoint(registry: registry, refresh: daemon.refreshMetrics),
            events: events,
            settings: HTTPServerSettings(configuration, logger: logger))
        let server: DashboardServer
        do {
            server = try DashboardServer.start(dashboard, address: address, logger: logger)
        } catch {
            throw CommandFailure.exit(error.description, code: 1)
        }
        logger.info("dashboard listening", metadata: ["url": "\(server.url)"])
        do {
            try daemon.run(whenStopping: server.stop)
        } catch {
            server.stop()
            throw CommandFailure.exit(error)
        }
    }
}
