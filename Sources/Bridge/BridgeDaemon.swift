import Delivery
import Dispatch
import Foundation
import Logging
import MQTT
import Operations
import Replay
import Rules
import Storage
import Synchronization
import Telemetry

/// The `run` command: subscribes to what the device catalog implies, decodes every message,
/// runs the rules, commits readings, dead letters and alert events in batches, acknowledges
/// QoS 1 messages only after their batch is committed, and delivers alert events from the alert
/// log to every sink (MQTT, Alertmanagers, webhooks), each at its own pace.
public final class BridgeDaemon: Sendable {
    public let configuration: BridgeConfiguration
    private let logger: Logger
    private let catalog: DeviceCatalog
    /// The event log ingest writes to; the dashboard reads it through the same store.
    public let store: TelemetryStore
    private let checkpointer: BackgroundCheckpointer
    private let pipeline: IngestPipeline
    private let mqttSink: MQTTAlertSink
    /// MQTT's dispatcher (nil with `alert-topic` off): it starts with the broker connection.
    private let mqttDispatcher: DeliveryDispatcher?
    /// The Alertmanagers' and webhooks' dispatchers: they start at once.
    private let httpDispatchers: [DeliveryDispatcher]
    private var dispatchers: [DeliveryDispatcher] { (mqttDispatcher.map { [$0] } ?? []) + httpDispatchers }
    private let poster: HTTPPoster?
    private let watcher: RuleFilesWatcher?
    private let mqttConfiguration: MQTTConfiguration
    private let metrics: BridgeMetrics?
    /// The connected client; a new one per connection attempt (a client connects once).
    private let connection = Mutex<MQTTClient?>(nil)

    /// Loads the catalog and the rules, opens the store and rebuilds rule state from it; nothing
    /// touches the network yet.
    ///
    /// - Parameters:
    ///   - metrics: instruments the pipeline updates per commit and ``refreshMetrics()`` per scrape.
    ///   - commitObserver: told about every commit (see ``CommitObserver``).
    public init(configuration: BridgeConfiguration, logger: Logger, metrics: BridgeMetrics? = nil,
                commitObserver: CommitObserver? = nil) throws(BridgeError)
    {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        do {
            catalog = try DeviceCatalog.load(directory: configuration.devices)
        } catch {
            throw .catalog(error)
        }
        let schema = RuleSchema(catalog: catalog)
        let rulesDirectory = configuration.rules ?? (FileManager.default.fileExists(atPath: "./Rules") ? "./Rules" : nil)
        var rules: RuleSet?
        if let rulesDirectory {
            do {
                rules = try RuleSet.load(directory: rulesDirectory, schema: schema,
                                         attributesFile: RuleSet.attributesFile(devices: configuration.devices))
            } catch {
                throw .rules(error)
            }
        } else {
            logger.notice("no rules directory (./Rules or --rules): alerting is off")
        }
        // The WAL is checkpointed by a background connection, never by the ingest thread's commits.
        var storeConfiguration = StoreConfiguration(durability: configuration.durability == .full ? .full : .normal)
        storeConfiguration.walAutocheckpointPages = 0
        do {
            store = try TelemetryStore(path: configuration.database, configuration: storeConfiguration)
            checkpointer = try BackgroundCheckpointer(path: configuration.database)
        } catch {
            throw .storage(error)
        }
        var engine: RuleEngine?
        if let rules {
            do {
                let (warm, summary) = try AlertWarmUp.engine(rules: rules, store: store)
                engine = warm
                logger.info("rules loaded", metadata: [
                    "directory": "\(rulesDirectory ?? "")", "rules": "\(rules.rules.count)", "maintenanceWindows": "\(rules.maintenance.windows.count)",
                    "restoredFiring": "\(summary.restoredFiring)", "replayedReadings": "\(summary.replayedReadings)",
                ])
            } catch {
                throw .storage(error)
            }
        }
        let mqttSink = MQTTAlertSink(
            topics: AlertTopics(events: configuration.alertTopic, active: configuration.activeAlertTopic), store: store, logger: logger)
        let poster = configuration.alertmanagers.isEmpty && configuration.webhooks.isEmpty
            ? nil : HTTPPoster(timeout: configuration.deliveryTimeout)
        let store = self.store
        var httpSinks: [any AlertSink] = []
        if let poster {
            httpSinks += configuration.alertmanagers.map {
                AlertmanagerSink(target: $0, poster: poster, store: store, externalURL: configuration.externalURL,
                                 resendInterval: configuration.alertmanagerResendInterval)
            } as [any AlertSink]
            httpSinks += configuration.webhooks.map { WebhookSink(target: $0, poster: poster, clock: WallClock.milliseconds) } as [any AlertSink]
        }
        let backlog = BacklogSignal()
        let dispatcher = { (sink: any AlertSink, yielding: Bool) in
            var settings = DeliveryDispatcher.Settings()
            if yielding { settings.yieldWhile = { backlog.isDraining } }
            return DeliveryDispatcher(sink: sink, store: store, logger: logger, metrics: metrics?.delivery, settings: settings)
        }
        // The MQTT sink's events leave from the ingest thread (its fast path): nothing to yield.
        let mqttDispatcher = configuration.publishAlerts ? dispatcher(mqttSink, false) : nil
        let httpDispatchers = httpSinks.map { dispatcher($0, true) }
        let observer: CommitObserver = { batch in
            if !batch.alerts.isEmpty {
                if let mqttDispatcher {
                    mqttSink.publishCommitted(batch.loggedAlerts)
                    mqttDispatcher.wake()
                }
                for dispatcher in httpDispatchers { dispatcher.wake() }
            }
            commitObserver?(batch)
        }
        let pipeline: IngestPipeline
        do {
            pipeline = try IngestPipeline(catalog: catalog, maxPayloadBytes: configuration.maxPayload, store: store,
                                          rules: engine, logger: logger,
                                          backlogBatchSize: configuration.batchSize, backlog: backlog, metrics: metrics,
                                          commitObserver: observer, limits: IngestLimits(configuration))
        } catch {
            throw .storage(error)
        }
        self.mqttSink = mqttSink
        self.mqttDispatcher = mqttDispatcher
        self.httpDispatchers = httpDispatchers
        self.poster = poster
        self.pipeline = pipeline
        watcher = rulesDirectory.map { RuleFilesWatcher(directory: $0, schema: schema,
                                                                       attributesFile: RuleSet.attributesFile(devices: configuration.devices),
                                                                       pipeline: pipeline, logger: logger) }
        do {
            mqttConfiguration = try configuration.mqttConfiguration()
        } catch {
            throw .mqtt(error)
        }
    }

    public var counters: IngestCounters { pipeline.counters }

    /// The rule set in force (it changes on reload); nil when alerting is off.
    public var rules: RuleSet? { pipeline.rules }

    /// The alerts pending now in the live engine.
    public var pendingAlerts: [PendingAlert] { pipeline.pendingAlerts }

    /// Carries out an operator's command (the dashboard's), as the MQTT command topics do: under
    /// the ingest pipeline's lock, so the engine takes a silence into account at once.
    public func perform(_ command: OperatorCommand) throws(OperatorError) -> LoggedAlertEvent {
        try pipeline.perform(command)
    }

    /// Broker connection and writer state, for `/healthz`.
    public func health() -> BridgeHealth {
        let lastCommitAt = counters.lastCommitAt.load(ordering: .relaxed)
        let now = WallClock.milliseconds()
        return BridgeHealth(
            brokerConnected: connection.withLock { $0 }?.status.connected ?? false,
            lastCommitFailed: counters.lastCommitFailed.load(ordering: .relaxed),
            lastCommitAt: lastCommitAt > 0 ? lastCommitAt : nil,
            sinks: deliveryStatus().map { status in
                BridgeHealth.Sink(name: status.sink, degraded: status.isDegraded(now: now, threshold: configuration.deliveryDegradedAfter),
                                  failingSince: status.failingSince, lastFailure: status.lastFailure)
            })
    }

    /// Each alert sink's delivery in this process (the stored cursors: `store.deliveryStates()`).
    public func deliveryStatus() -> [DeliveryStatus] {
        dispatchers.map(\.status)
    }

    /// Brings the gauges that are read, not pushed, up to date: broker connection, reconnects and
    /// queue depth. Called before each metrics scrape.
    public func refreshMetrics() {
        guard let metrics else { return }
        let status = connection.withLock { $0 }?.status
        metrics.recordConnection(connected: status?.connected ?? false, reconnects: status?.reconnects ?? 0)
        metrics.recordQueueDepth(counters.pending.load(ordering: .relaxed))
        let now = WallClock.milliseconds()
        if let states = try? store.deliveryStates() {
            for state in states { metrics.delivery.record(state, now: now) }
        }
    }

    /// Connects, ingests until SIGINT/SIGTERM, then shuts down cleanly.
    ///
    /// A broker that cannot be reached yet (started after us, restarting) is retried with capped
    /// exponential backoff; a refusal (bad credentials, not authorised, TLS) ends the process at once.
    ///
    /// - Parameter whenStopping: runs once a signal arrived, before ingest stops (e.g. stops the
    ///   dashboard's HTTP server), also when the signal came while the broker was unreachable.
    public func run(whenStopping: () -> Void = {}) throws(BridgeError) {
        let signals = SignalWaiter()
        try startDelivery()
        var delay = Duration.milliseconds(500)
        while true {
            do {
                try start()
                break
            } catch .mqtt(let error) where error.isTransient {
                logger.warning("broker unreachable; retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                if signals.wait(timeout: delay) != nil {
                    whenStopping()
                    stop()
                    return
                }
                delay = min(delay * 2, .seconds(30))
            }
        }
        let timers = [startSummaryTimer(), startRuleTicker(), startRetention(), startReleaseTimer()].compactMap { $0 }
        watcher?.start(interval: configuration.rulesWatchInterval)
        let signal = signals.wait()
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        whenStopping()
        for timer in timers { timer.cancel() }
        watcher?.stop()
        stop()
    }

    /// Starts delivering the alert log to the HTTP sinks, also while the broker is unreachable
    /// (MQTT delivery starts with ``start()``'s connection). Idempotent; ``run(whenStopping:)``
    /// calls it first.
    public func startDelivery() throws(BridgeError) {
        try startDispatchers(httpDispatchers)
        if !httpDispatchers.isEmpty {
            logger.info("delivering alert events", metadata: ["sinks": "\(httpDispatchers.map(\.sink.name).joined(separator: " "))"])
        }
    }

    private func startDispatchers(_ dispatchers: [DeliveryDispatcher]) throws(BridgeError) {
        for dispatcher in dispatchers {
            do {
                try dispatcher.start()
            } catch {
                throw .storage(error)
            }
        }
    }

    /// Connects and subscribes; messages flow from then on, and alert events to every sink.
    public func start() throws(BridgeError) {
        let commands = OperatorCommandTopics(clientID: mqttConfiguration.clientID)
        let subscriptions = catalog.subscriptions.map { MQTTSubscription(filter: $0, qos: configuration.qos) }
            + [MQTTSubscription(filter: commands.subscription, qos: 1)]
        logger.info("starting", metadata: [
            "broker": "\(configuration.broker)", "db": "\(configuration.database)",
            "deviceTypes": "\(catalog.types.count)", "subscriptions": "\(catalog.subscriptions.joined(separator: " "))",
        ])
        let pipeline = self.pipeline
        let logger = self.logger
        let client = MQTTClient(configuration: mqttConfiguration, logger: logger)
        let mqttSink = self.mqttSink
        do {
            try client.connect(subscriptions: subscriptions, connectionObserver: { mqttSink.connectionChanged(connected: $0) }) {
                [weak client] batch in
                // One pass: commands are carried out (before the batch is acknowledged, like
                // readings), everything else is ingested.
                var messages: [InboundMessage] = []
                messages.reserveCapacity(batch.messages.count)
                for message in batch.messages {
                    guard commands.isCommand(message.topic) else {
                        messages.append(InboundMessage(
                            topic: message.topic, payload: message.payload, receivedAt: message.receivedAt,
                            trace: MessageTrace(traceparent: message.userProperty("traceparent"), correlationData: message.correlationData)))
                        continue
                    }
                    let response = commands.handle(message, pipeline: pipeline, now: WallClock.milliseconds(), logger: logger)
                    do {
                        _ = try client?.publishWithoutWaiting(topic: response.topic, payload: response.payload, qos: 1,
                                                              properties: response.properties)
                    } catch {
                        logger.warning("cannot publish a command's response", metadata: ["topic": "\(response.topic)", "error": "\(error)"])
                    }
                }
                guard !messages.isEmpty else { return }
                do {
                    try pipeline.ingest(messages)
                } catch {
                    logger.error("commit failed; the batch is not acknowledged and will be redelivered", metadata: [
                        "error": "\(error)", "messages": "\(messages.count)",
                    ])
                    throw error
                }
            }
        } catch {
            throw .mqtt(error)
        }
        connection.withLock { $0 = client }
        mqttSink.attach(client)
        try startDispatchers(dispatchers)
        logger.info("ready", metadata: ["clientID": "\(mqttConfiguration.clientID)"])
    }

    /// Stops reading, commits and acknowledges the batch in hand, stops delivery (what is not
    /// confirmed yet is delivered after the restart), disconnects, logs the totals.
    public func stop() {
        for dispatcher in dispatchers { dispatcher.requestStop() }
        connection.withLock { $0 }?.disconnect()
        mqttSink.attach(nil)
        for dispatcher in dispatchers { dispatcher.stop() }
        poster?.shutdown()
        checkpointer.stop()
        logSummary(final: true, elapsed: 0, previous: nil)
    }

    /// Once a minute releases what is held for devices silent beyond the retention, and hands
    /// freed heap memory back to the system (see ``HeapTrim``).
    private func startReleaseTimer() -> (any DispatchSourceTimer)? {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "telemetry-bridge.release", qos: .utility))
        let interval = IngestPipeline.releaseInterval
        timer.schedule(deadline: .now() + .seconds(interval), repeating: .seconds(interval))
        let pipeline = self.pipeline
        timer.setEventHandler {
            pipeline.releaseSilentDevices(now: WallClock.milliseconds())
            HeapTrim.release()
        }
        timer.resume()
        return timer
    }

    /// Wall clock drives `silent()` and `for` timers between readings, once a second.
    private func startRuleTicker() -> (any DispatchSourceTimer)? {
        guard pipeline.rules != nil else { return nil }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "telemetry-bridge.rules-ticker"))
        timer.schedule(deadline: .now() + .seconds(1), repeating: .seconds(1))
        let pipeline = self.pipeline
        let logger = self.logger
        timer.setEventHandler {
            do {
                try pipeline.tick(now: WallClock.milliseconds())
            } catch {
                logger.error("cannot store alert events from the rule clock", metadata: ["error": "\(error)"])
            }
        }
        timer.resume()
        return timer
    }

    /// Retention runs beside ingest: it deletes in small transactions, so the writer is never
    /// held for longer than one of them.
    private func startRetention() -> (any DispatchSourceTimer)? {
        let policy = RetentionPolicy(raw: configuration.retentionRaw, minute: configuration.retentionMinute,
                                     hour: configuration.retentionHour)
        guard policy.raw != nil || policy.minute != nil || policy.hour != nil, configuration.retentionInterval > 0 else {
            return nil
        }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "telemetry-bridge.retention", qos: .utility))
        let interval = DispatchTimeInterval.milliseconds(Int(configuration.retentionInterval))
        timer.schedule(deadline: .now() + .seconds(5), repeating: interval)
        let store = self.store
        let logger = self.logger
        timer.setEventHandler {
            do {
                let outcome = try store.applyRetention(policy, now: WallClock.milliseconds())
                if outcome.readings + outcome.minuteRollups + outcome.hourRollups > 0 {
                    logger.info("retention", metadata: [
                        "readings": "\(outcome.readings)", "minuteRollups": "\(outcome.minuteRollups)",
                        "hourRollups": "\(outcome.hourRollups)",
                    ])
                }
            } catch {
                logger.error("retention failed", metadata: ["error": "\(error)"])
            }
        }
        timer.resume()
        return timer
    }

    private func startSummaryTimer() -> (any DispatchSourceTimer)? {
        guard configuration.summaryInterval > 0 else { return nil }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "telemetry-bridge.summary"))
        let interval = DispatchTimeInterval.milliseconds(Int(configuration.summaryInterval))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        let previous = Mutex<IngestCounters.Snapshot?>(nil)
        timer.setEventHandler { [self] in
            let last = previous.withLock { $0 }
            let current = logSummary(final: false, elapsed: configuration.summaryInterval, previous: last)
            previous.withLock { $0 = current }
        }
        timer.resume()
        return timer
    }

    @discardableResult
    private func logSummary(final: Bool, elapsed: Int64, previous: IngestCounters.Snapshot?) -> IngestCounters.Snapshot {
        let now = counters.snapshot()
        let status = connection.withLock { $0 }?.status
        var metadata: Logger.Metadata = [
            "messages": "\(now.messages)", "readings": "\(now.readings)", "duplicates": "\(now.duplicates)",
            "deadLetters": "\(now.deadLetters)", "pending": "\(now.pending)",
            "connected": "\(status?.connected ?? false)", "reconnects": "\(status?.reconnects ?? 0)",
        ]
        if let previous, elapsed > 0 {
            let rate = Double(now.messages - previous.messages) * 1000 / Double(elapsed)
            metadata["rate"] = "\(Int(rate.rounded()))/s"
        }
        logger.info(final ? "stopped" : "summary", metadata: metadata)
        return now
    }
}
