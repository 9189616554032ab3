import Delivery
import Metrics
import Storage
import Synchronization
import Telemetry

/// The daemon's swift-metrics instruments, made through an injected `MetricsFactory` so a process
/// (or a test) decides where they go without the global `MetricsSystem` bootstrap.
///
/// Ingest updates them once per committed batch, never per message: a few atomic adds, a short
/// lock when the batch has dead letters (counted by reason) or alert events, two clock reads for
/// the commit latency, and the ingest lag of the readings of at most ``lagSamplesPerBatch`` messages.
public final class BridgeMetrics: Sendable {
    /// The metric names, as exported.
    public enum Name {
        public static let messagesReceived = "telemetry_bridge_messages_received_total"
        public static let readingsStored = "telemetry_bridge_readings_stored_total"
        public static let duplicateReadings = "telemetry_bridge_duplicate_readings_total"
        public static let deadLetters = "telemetry_bridge_dead_letters_total"
        public static let alerts = "telemetry_bridge_alerts_total"
        public static let queueDepth = "telemetry_bridge_queue_depth"
        public static let batchCommitSeconds = "telemetry_bridge_batch_commit_seconds"
        public static let ingestLagSeconds = "telemetry_bridge_ingest_lag_seconds"
        public static let mqttReconnects = "telemetry_bridge_mqtt_reconnects_total"
        public static let mqttConnected = "telemetry_bridge_mqtt_connected"
        public static let lastCommitTimestampSeconds = "telemetry_bridge_last_commit_timestamp_seconds"
    }

    /// Histogram buckets by metric name, for factories that take them (Prometheus's does, per label).
    public static let histogramBuckets: [String: [Duration]] = [
        Name.batchCommitSeconds: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
            .map { Duration.seconds($0) },
        Name.ingestLagSeconds: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]
            .map { Duration.seconds($0) },
    ]

    /// The ingest lag is recorded for the readings of at most this many messages per batch: every
    /// message of a batch of up to this many, evenly spaced ones in bigger batches (an unbiased
    /// sample that keeps the histogram's cost per batch bounded).
    public static let lagSamplesPerBatch = 64

    private struct Labelled {
        var deadLetters: [String: Counter] = [:]
        var alerts: [AlertKey: Counter] = [:]
        /// The last severity each rule raised with: a cleared event of a rule since removed has none.
        var severities: [String: String] = [:]
        var reconnectsSeen = 0
    }

    private struct AlertKey: Hashable {
        var alert: String
        var severity: String
        var type: AlertRecord.Kind
    }

    private let factory: any MetricsFactory
    private let messages: Counter
    private let readings: Counter
    private let duplicates: Counter
    private let queueDepth: Gauge
    private let commitLatency: CoreMetrics.Timer
    private let ingestLag: CoreMetrics.Timer
    private let reconnects: Counter
    private let connected: Gauge
    private let lastCommit: Gauge
    private let labelled = Mutex(Labelled())
    /// The alert sinks' instruments, through the same factory.
    public let delivery: DeliveryMetrics

    public init(factory: any MetricsFactory) {
        self.factory = factory
        delivery = DeliveryMetrics(factory: factory)
        messages = Counter(label: Name.messagesReceived, factory: factory)
        readings = Counter(label: Name.readingsStored, factory: factory)
        duplicates = Counter(label: Name.duplicateReadings, factory: factory)
        queueDepth = Gauge(label: Name.queueDepth, factory: factory)
        commitLatency = CoreMetrics.Timer(label: Name.batchCommitSeconds, factory: factory)
        ingestLag = CoreMetrics.Timer(label: Name.ingestLagSeconds, factory: factory)
        reconnects = Counter(label: Name.mqttReconnects, factory: factory)
        connected = Gauge(label: Name.mqttConnected, factory: factory)
        lastCommit = Gauge(label: Name.lastCommitTimestampSeconds, factory: factory)
        connected.record(0)
        queueDepth.record(0)
    }

    /// One committed ingest batch.
    func recordBatch(messages count: Int, outcome: WriteOutcome, deadLetters: [DeadLetter]) {
        messages.increment(by: count)
        if outcome.insertedReadings > 0 { readings.increment(by: outcome.insertedReadings) }
        if outcome.duplicateReadings > 0 { duplicates.increment(by: outcome.duplicateReadings) }
        guard !deadLetters.isEmpty else { return }
        var byReason: [String: Int] = [:]
        for letter in deadLetters { byReason[letter.code, default: 0] += 1 }
        let counters = labelled.withLock { state in
            byReason.map { reason, count in
                let counter = state.deadLetters[reason] ?? {
                    let made = Counter(label: Name.deadLetters, dimensions: [("reason", reason)], factory: factory)
                    state.deadLetters[reason] = made
                    return made
                }()
                return (counter, count)
            }
        }
        for (counter, count) in counters { counter.increment(by: count) }
    }

    /// Any commit (readings, or alert events alone): its duration and wall-clock time.
    func recordCommit(nanoseconds: Int64, at milliseconds: Int64) {
        commitLatency.recordNanoseconds(nanoseconds)
        lastCommit.record(Double(milliseconds) / 1000)
    }

    /// Committed alert events, counted by rule, severity and raised/cleared.
    func recordAlerts(_ records: [AlertRecord]) {
        guard !records.isEmpty else { return }
        let counters = labelled.withLock { state in
            records.map { record in
                if record.type == .raised, let severity = record.severity { state.severities[record.alert] = severity }
                let severity = record.severity ?? state.severities[record.alert] ?? "unknown"
                let key = AlertKey(alert: record.alert, severity: severity, type: record.type)
                if let counter = state.alerts[key] { return counter }
                let made = Counter(label: Name.alerts, dimensions: [
                    ("alert", key.alert), ("severity", key.severity), ("type", key.type == .raised ? "raised" : "cleared"),
                ], factory: factory)
                state.alerts[key] = made
                return made
            }
        }
        for counter in counters { counter.increment() }
    }

    /// Receive time − event time of one reading, in ms. A device clock ahead of ours counts as 0.
    func recordLag(milliseconds: Int64) {
        ingestLag.recordNanoseconds(max(0, milliseconds) &* 1_000_000)
    }

    /// The broker connection as the MQTT client reports it; `reconnects` is the client's running
    /// total (a new client starts again from 0).
    public func recordConnection(connected isConnected: Bool, reconnects total: Int) {
        connected.record(isConnected ? 1 : 0)
        let added = labelled.withLock { state in
            let added = total >= state.reconnectsSeen ? total - state.reconnectsSeen : total
            state.reconnectsSeen = total
            return added
        }
        if added > 0 { reconnects.increment(by: added) }
    }

    /// Messages handed to the pipeline and not yet committed.
    public func recordQueueDepth(_ pending: Int) {
        queueDepth.record(pending)
    }
}
