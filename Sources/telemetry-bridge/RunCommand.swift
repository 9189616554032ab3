import ArgumentParser
import Bridge
import Dashboard
import Metrics
import Prometheus
import Telemetry

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bridge: subscribe, decode, store readings and dead letters, raise and clear alerts."
    )

    @OptionGroup var broker: BrokerOptions

    @Option(help: "SQLite database file. Default: ./telemetry.sqlite.")
    var db: String?

    @Option(help: "Rule directory. Default: ./Rules when it exists (alerting off otherwise).")
    var rules: String?

    @Option(name: .customLong("alert-topic"), help: "Topic of alert events, or off (not published on MQTT). Default: alerts/{severity}/{alert}/{device}.")
    var alertTopic: String?

    @Option(name: .customLong("active-alert-topic"), help: "Retained topic of each firing alert. Default: alerts/active/{alert}/{device}.")
    var activeAlertTopic: String?

    @Option(name: .customLong("rules-watch-interval"), help: "How often to look for changed rule files (e.g. 2s; 0: SIGHUP only). Default: 2s.")
    var rulesWatchInterval: String?

    @Option(name: .customLong("retention-raw"), help: "Keep raw readings this long (e.g. 30d), or forever. Default: forever.")
    var retentionRaw: String?

    @Option(name: .customLong("retention-1m"), help: "Keep minute rollups this long (e.g. 365d), or forever. Default: forever.")
    var retentionMinute: String?

    @Option(name: .customLong("retention-1h"), help: "Keep hour rollups this long, or forever. Default: forever.")
    var retentionHour: String?

    @Option(name: .customLong("retention-interval"), help: "How often retention runs (e.g. 10m). Default: 10m.")
    var retentionInterval: String?

    @Option(help: "Subscription QoS: 0, 1 or 2. Default: 1 (at least once; acknowledged after commit).")
    var qos: String?

    @Option(name: .customLong("batch-size"), help: "Commit after this many messages. Default: 1000.")
    var batchSize: String?

    @Option(name: .customLong("batch-delay"), help: "Commit at least this often under continuous load (e.g. 50ms). Default: 50ms.")
    var batchDelay: String?

    @Option(name: .customLong("max-payload"), help: "Larger payloads become dead letters (bytes). Default: 65536.")
    var maxPayload: String?

    @Option(help: "SQLite durability: normal (survives a crash of the bridge) or full (also power loss). Default: normal.")
    var durability: String?

    @Option(name: .customLong("summary-interval"), help: "How often to log a one-line summary (e.g. 10s; 0 disables). Default: 10s.")
    var summaryInterval: String?

    @Option(name: .customLong("max-devices"), help: "Most distinct devices kept; new ones beyond become dead letters (device_limit). Default: 100000, or unlimited.")
    var maxDevices: String?

    @Option(name: .customLong("max-timestamp-age"), help: "Event times older than this before receipt are dead letters (implausible_timestamp), or off. Default: 3650d.")
    var maxTimestampAge: String?

    @Option(name: .customLong("max-timestamp-ahead"), help: "Event times further ahead than this are dead letters (implausible_timestamp), or off. Default: 1d.")
    var maxTimestampAhead: String?

    @Option(name: .customLong("device-state-retention"), help: "Release the in-memory state of devices silent this long, or off. Default: 7d.")
    var deviceStateRetention: String?

    @OptionGroup var httpOptions: HTTPOptions

    @OptionGroup var deliveryOptions: DeliveryOptions

    func run() throws {
        var flags: [String: String] = [:]
        flags["db"] = db
        flags["rules"] = rules
        flags["alert-topic"] = alertTopic
        flags["active-alert-topic"] = activeAlertTopic
        flags["rules-watch-interval"] = rulesWatchInterval
        flags["retention-raw"] = retentionRaw
        flags["retention-1m"] = retentionMinute
        flags["retention-1h"] = retentionHour
        flags["retention-interval"] = retentionInterval
        flags["qos"] = qos
        flags["batch-size"] = batchSize
        flags["batch-delay"] = batchDelay
        flags["max-payload"] = maxPayload
        flags["durability"] = durability
        flags["summary-interval"] = summaryInterval
        flags["max-devices"] = maxDevices
        flags["max-timestamp-age"] = maxTimestampAge
        flags["max-timestamp-ahead"] = maxTimestampAhead
        flags["device-state-retention"] = deviceStateRetention
        let configuration = try broker.resolve(extraFlags: flags.merging(httpOptions.flags) { _, http in http }
            .merging(deliveryOptions.flags) { _, delivery in delivery })
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
