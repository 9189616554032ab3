import Logging
import Rules
import Storage
import Telemetry

/// Rebuilds rule state from the stored log, so a restart neither re-raises a firing alert nor
/// forgets a pending `for` timer.
///
/// Firing alerts come from the alert log. Windows, latest values and pending timers come from
/// replaying the tail of the readings: everything within the longest window or `for` of the rule
/// set before the latest stored reading. Devices quiet for longer still get their last reading
/// replayed, so `silent()` knows them. Up to the latest stored reading the replay is a warm-up:
/// it emits nothing, because those events (if any) are already in the log.
public enum AlertWarmUp {
    public struct Summary: Sendable, Hashable {
        public var restoredFiring: Int
        public var replayedReadings: Int
        public var devices: Int
    }

    /// The engine as it stands after the stored log up to `time` (ms, inclusive), or after the
    /// whole log when `time` is nil (a daemon restart). With a `time`, clocks advance to it at the
    /// end (a silence pending since it began: `advanceFindingOnsets`), still emitting nothing:
    /// the engine's firing and pending alerts are then those at `time` (a dashboard travelling back).
    public static func engine(rules: RuleSet, store: TelemetryStore, until time: Int64? = nil) throws(StorageError) -> (RuleEngine, Summary) {
        try engine(rules: rules, store: store, until: time, firing: store.firingAlerts(at: time),
                   finals: store.latestReadings(at: time ?? .max), devices: store.devices())
    }

    /// ``engine(rules:store:until:)`` from the firing alerts, latest readings and devices at `time`
    /// the caller has already read (a dashboard answer that shows them too).
    public static func engine(
        rules: RuleSet, store: TelemetryStore, until time: Int64?,
        firing records: [AlertRecord], finals: [LatestReading], devices stored: [StoredDevice]
    ) throws(StorageError) -> (RuleEngine, Summary) {
        var engine = RuleEngine(rules: rules)
        let firing: [AlertRaised] = records.compactMap { record in
            guard case .raised(let raised)? = try? AlertEvent(json: record.event) else { return nil }
            return raised
        }
        var latest: [String: Int64] = [:]
        for reading in finals { latest[reading.series.device] = max(latest[reading.series.device] ?? .min, reading.timestamp) }
        guard let newest = latest.values.max() else {
            engine.restoreFiring(firing)
            return (engine, Summary(restoredFiring: firing.count, replayedReadings: 0, devices: 0))
        }
        let cutoff = time ?? newest
        engine.restoreFiring(firing, warmUpUntil: cutoff)
        let devices = Dictionary(stored.map { ($0.id, Device(id: $0.id, type: $0.type, labels: $0.labels)) },
                                 uniquingKeysWith: { first, _ in first })
        let (start, underflow) = cutoff.subtractingReportingOverflow(rules.lookback)
        let from = underflow ? Int64.min : start
        var replayed = 0
        // Devices last heard from before the tail: their final readings, so silent() can see them.
        var finalsByDevice: [String: [Reading]] = [:]
        for reading in finals {
            guard let last = latest[reading.series.device], last < from, reading.timestamp == last else { continue }
            finalsByDevice[reading.series.device, default: []].append(
                Reading(device: reading.series.device, metric: reading.series.metric, timestamp: reading.timestamp, value: reading.value))
        }
        for (id, readings) in finalsByDevice.sorted(by: { $0.key < $1.key }) {
            guard let device = devices[id] else { continue }
            _ = engine.process(readings, device: device)
            replayed += readings.count
        }
        var current: (id: String, handle: DeviceHandle)?
        var metrics: [String: MetricHandle] = [:]
        // The readings of one device at one instant, evaluated together as live.
        var run: (handle: DeviceHandle, timestamp: Int64)?
        var runReadings: [(MetricHandle, Double)] = []
        func flush() {
            if let run { _ = engine.process(device: run.handle, timestamp: run.timestamp, readings: runReadings) }
            run = nil
            runReadings.removeAll(keepingCapacity: true)
        }
        do {
            let (end, overflow) = cutoff.addingReportingOverflow(1)
            replayed += try store.forEachReadingByDevice(from: from, to: overflow ? nil : end, devices: nil) { reading in
                if current?.id != reading.device {
                    current = devices[reading.device].map { (reading.device, engine.handle(for: $0)) }
                }
                guard let handle = current?.handle else { return }
                let metric: MetricHandle
                if let known = metrics[reading.metric] {
                    metric = known
                } else {
                    metric = engine.handle(forMetric: reading.metric)
                    metrics[reading.metric] = metric
                }
                if let current = run, current.handle != handle || current.timestamp != reading.timestamp { flush() }
                run = (handle, reading.timestamp)
                runReadings.append((metric, reading.value))
            }
            flush()
        } catch let error as StorageError {
            throw error
        } catch {
            throw .io(path: store.path, message: "\(error)")
        }
        if let time { _ = engine.advanceFindingOnsets(to: time) }
        return (engine, Summary(restoredFiring: firing.count, replayedReadings: replayed, devices: latest.count))
    }
}
