import Metrics
import Storage
import Synchronization

/// Per-sink delivery instruments (label `sink`), made through an injected factory like the
/// daemon's other metrics. Counters move when a round ends; the lag gauges are set from the
/// store before each scrape (``record(_:now:)``).
public final class DeliveryMetrics: Sendable {
    public enum Name {
        public static let delivered = "telemetry_bridge_alert_deliveries_total"
        public static let failures = "telemetry_bridge_alert_delivery_failures_total"
        public static let refusals = "telemetry_bridge_alert_delivery_refusals_total"
        public static let lagEvents = "telemetry_bridge_alert_delivery_lag_events"
        public static let lagSeconds = "telemetry_bridge_alert_delivery_lag_seconds"
        public static let lastSuccess = "telemetry_bridge_alert_delivery_last_success_timestamp_seconds"
    }

    private struct Instruments {
        var delivered: Counter
        var failures: Counter
        var refusals: Counter
        var lagEvents: Gauge
        var lagSeconds: Gauge
        var lastSuccess: Gauge
    }

    private let factory: any MetricsFactory
    private let instruments = Mutex<[String: Instruments]>([:])

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func recordRound(sink: String, delivered: Int, refused: Int, at milliseconds: Int64) {
        guard delivered > 0 || refused > 0 else { return }
        let made = instruments(for: sink)
        if delivered > 0 {
            made.delivered.increment(by: delivered)
            made.lastSuccess.record(Double(milliseconds) / 1000)
        }
        if refused > 0 { made.refusals.increment(by: refused) }
    }

    func recordFailure(sink: String) {
        instruments(for: sink).failures.increment()
    }

    /// The sink's lag as stored: events after its cursor and how long the oldest has waited.
    public func record(_ state: SinkDeliveryState, now: Int64) {
        let made = instruments(for: state.sink)
        made.lagEvents.record(state.pendingEvents)
        made.lagSeconds.record(state.lagSeconds(now: now))
    }

    private func instruments(for sink: String) -> Instruments {
        instruments.withLock { all in
            if let existing = all[sink] { return existing }
            let dimensions = [("sink", sink)]
            let made = Instruments(
                delivered: Counter(label: Name.delivered, dimensions: dimensions, factory: factory),
                failures: Counter(label: Name.failures, dimensions: dimensions, factory: factory),
                refusals: Counter(label: Name.refusals, dimensions: dimensions, factory: factory),
                lagEvents: Gauge(label: Name.lagEvents, dimensions: dimensions, factory: factory),
                lagSeconds: Gauge(label: Name.lagSeconds, dimensions: dimensions, factory: factory),
                lastSuccess: Gauge(label: Name.lastSuccess, dimensions: dimensions, factory: factory))
            made.lagEvents.record(0)
            made.lagSeconds.record(0)
            all[sink] = made
            return made
        }
    }
}
