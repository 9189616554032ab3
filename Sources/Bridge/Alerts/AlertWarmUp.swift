import Logging
import Rules
import Storage
import Telemetry

/// Rebuilds rule state from the stored log, so a restart neither re-raises a firing alert nor
/// forgets a pending `for` timer (DESIGN §3.2).
///
/// Firing alerts come from the alert log. Windows, latest values and pending timers come from
/// replaying the tail of the readings: everything within the longest window or `for` of the rule
/// set before the latest stored reading. Devices quiet for longer still get their last reading
/// replayed, so `silent()` knows them. Up to the latest stored reading the replay is a warm-up:
/// it emits nothing, because those events (if any) are already in the log.
enum AlertWarmUp {
    struct Summary: Sendable, Hashable {
        var restoredFiring: Int
        var replayedReadings: Int
        var devices: Int
    }

    static func engine(rules: RuleSet, store: TelemetryStore) throws(StorageError) -> (RuleEngine, Summary) {
        var engine = RuleEngine(rules: rules)
        let firing: [AlertRaised] = try store.firingAlerts().compactMap { record in
            guard case .raised(let raised)? = try? AlertEvent(json: record.event) else { return nil }
            return raised
        }
        let latest = try store.latestTimestamps()
        guard let newest = latest.values.max() else {
            engine.restoreFiring(firing)
            return (engine, Summary(restoredFiring: firing.count, replayedReadings: 0, devices: 0))
        }
        engine.restoreFiring(firing, warmUpUntil: newest)
        let devices = Dictionary(try store.devices().map { ($0.id, Device(id: $0.id, type: $0.type, labels: $0.labels)) },
                                 uniquingKeysWith: { first, _ in first })
        let from = newest - rules.lookback
        var replayed = 0
        // Devices last heard from before the tail: their final readings, so silent() can see them.
        let quiet = latest.filter { $0.value < from }
        for series in try store.series() {
            guard let last = quiet[series.device], let device = devices[series.device] else { continue }
            for reading in try store.readings(device: series.device, metric: series.metric, from: last, to: last + 1) {
                _ = engine.process(reading, device: device)
                replayed += 1
            }
        }
        do {
            replayed += try store.forEachReadingByDevice(from: from, to: nil, devices: nil) { reading in
                if let device = devices[reading.device] {
                    _ = engine.process(reading, device: device)
                }
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw .io(path: store.path, message: "\(error)")
        }
        return (engine, Summary(restoredFiring: firing.count, replayedReadings: replayed, devices: latest.count))
    }
}
