import Foundation
import Rules
import Storage
import Telemetry

/// A temporary alert log holding real events (the rules engine's JSON).
final class DeliveryFixture {
    let directory: URL
    let store: TelemetryStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try TelemetryStore(path: directory.appendingPathComponent("t.sqlite").path)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stores a raise of `alert` on `device` at `at`; returns it.
    @discardableResult
    func raise(_ alert: String = "HotNow", device: String = "d1", at: Int64, id: String? = nil,
               labels: [String: String] = ["room": "lab"], annotations: [String: String] = [:]) throws -> AlertRecord {
        let raised = AlertRaised(
            id: id ?? "r-\(alert)-\(device)-\(at)", alert: alert, device: device, deviceType: "climate", labels: labels,
            severity: .critical, value: 35, message: "\(device) is hot", at: at, pendingSince: at,
            cause: AlertCause(topic: "sensors/\(device)", at: at), annotations: annotations)
        let record = AlertRecord(id: raised.id, type: .raised, alert: alert, device: device, severity: "critical", at: at,
                                 value: 35, event: raised.json)
        try store.write(IngestBatch(observedAt: at, alerts: [record]))
        return record
    }

    /// Stores the clear of `raised` at `at`.
    @discardableResult
    func clear(_ raised: AlertRecord, at: Int64) throws -> AlertRecord {
        let cleared = AlertCleared(id: "c-\(raised.id)", raisedId: raised.id, alert: raised.alert, device: raised.device,
                                   severity: .critical, value: 25, at: at, raisedAt: raised.at)
        let record = AlertRecord(id: cleared.id, type: .cleared, alert: raised.alert, device: raised.device, severity: "critical",
                                 at: at, raisedID: raised.id, value: 25, event: cleared.json)
        try store.write(IngestBatch(observedAt: at, alerts: [record]))
        return record
    }
}
