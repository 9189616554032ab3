import Dispatch
import Synchronization
import Logging
import MQTT
import Storage
import Telemetry

/// The `run` command: subscribes to what the device catalog implies, decodes every message,
/// commits readings and dead letters in batches, and acknowledges QoS 1 messages only after
/// their batch is committed.
public final class BridgeDaemon: Sendable {
    public let configuration: BridgeConfiguration
    private let logger: Logger
    private let catalog: DeviceCatalog
    private let store: TelemetryStore
    private let pipeline: IngestPipeline
    private let client: MQTTClient

    /// Loads the catalog and opens the store; nothing touches the network yet.
    public init(configuration: BridgeConfiguration, logger: Logger) throws(BridgeError) {
        self.configuration = configuration
        self.logger = logger
        do {
            catalog = try DeviceCatalog.load(directory: configuration.devices)
        } catch {
            throw .catalog(error)
        }
        do {
            store = try TelemetryStore(
                path: configuration.database,
                configuration: StoreConfiguration(durability: configuration.durability == .full ? .full : .normal)
            )
        } catch {
            throw .storage(error)
        }
        pipeline = IngestPipeline(catalog: catalog, maxPayloadBytes: configuration.maxPayload, store: store)
        do {
            client = MQTTClient(configuration: try configuration.mqttConfiguration(), logger: logger)
        } catch {
            throw .mqtt(error)
        }
    }

    public var counters: IngestCounters { pipeline.counters }

    /// Connects, ingests until SIGINT/SIGTERM, then shuts down cleanly.
    public func run() throws(BridgeError) {
        let signals = SignalWaiter()
        try start()
        let summary = startSummaryTimer()
        let signal = signals.wait()
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        summary?.cancel()
        stop()
    }

    /// Connects and subscribes; messages flow from then on.
    public func start() throws(BridgeError) {
        let subscriptions = catalog.subscriptions.map { MQTTSubscription(filter: $0, qos: configuration.qos) }
        logger.info("starting", metadata: [
            "broker": "\(configuration.broker)", "db": "\(configuration.database)",
            "deviceTypes": "\(catalog.types.count)", "subscriptions": "\(catalog.subscriptions.joined(separator: " "))",
        ])
        let pipeline = self.pipeline
        let logger = self.logger
        do {
            try client.connect(subscriptions: subscriptions) { batch in
                let messages = batch.messages.map {
                    InboundMessage(topic: $0.topic, payload: $0.payload, receivedAt: $0.receivedAt)
                }
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
        logger.info("ready", metadata: ["clientID": "\(client.configuration.clientID)"])
    }

    /// Stops reading, commits and acknowledges the batch in hand, disconnects, logs the totals.
    public func stop() {
        client.disconnect()
        logSummary(final: true, elapsed: 0, previous: nil)
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
        var metadata: Logger.Metadata = [
            "messages": "\(now.messages)", "readings": "\(now.readings)", "duplicates": "\(now.duplicates)",
            "deadLetters": "\(now.deadLetters)", "pending": "\(now.pending)",
            "connected": "\(client.status.connected)", "reconnects": "\(client.status.reconnects)",
        ]
        if let previous, elapsed > 0 {
            let rate = Double(now.messages - previous.messages) * 1000 / Double(elapsed)
            metadata["rate"] = "\(Int(rate.rounded()))/s"
        }
        logger.info(final ? "stopped" : "summary", metadata: metadata)
        return now
    }
}
