import Rules
import Storage
import Telemetry

/// The stored readings of one device over a range, for rule tests from incidents
/// (`from_history:`, `rules incident`).
public enum StoredHistory {
    /// Bounded: an incident is minutes to days of one device; more than this many readings is
    /// refused rather than loaded.
    public static let maximumReadings = 1_000_000

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    public static func load(_ request: RuleTestHistoryRequest, from store: TelemetryStore) throws -> RuleTestHistory {
        guard let stored = try store.devices().first(where: { $0.id == request.device }) else {
            throw Failure(description: "no device '\(request.device)' in \(store.path)")
        }
        var readings: [Reading] = []
        _ = try store.forEachReadingByDevice(from: request.from, to: request.to, devices: [request.device]) { reading in
            guard reading.device == request.device else { return }
            guard readings.count < maximumReadings else {
                throw Failure(description: "more than \(maximumReadings) readings of '\(request.device)' in the range: narrow it")
            }
            readings.append(reading)
        }
        return RuleTestHistory(device: Device(id: stored.id, type: stored.type, labels: stored.labels), readings: readings)
    }
}
