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
               labels: [String: String] = ["room": "lab"], annotations: [String: String] = [:],
               silenced: String? = nil) throws -> AlertRecord {
        let raised = AlertRaised(
            id: id ?? "r-\(alert)-\(device)-\(at)", alert: alert, device: device, deviceType: "climate", labels: labels,
            severity: .critical, value: 35, message: "\(device) is hot", at: at, pendingSince: at,
            cause: AlertCause(topic: "sensors/\(device)", at: at), annotations: annotations, silenced: silenced)
        let record = AlertRecord(id: raised.id, type: .raised, alert: alert, device: device, severity: "critical", at: at,
                                 value: 35, event: raised.json, silenced: silenced)
        try store.write(IngestBatch(observedAt: at, alerts: [record]))
        return record
    }

    /// Stores the clear of `raised` at `at`.
    @discardableResult
    func clear(_ raised: AlertRecord, at: Int64) throws -> AlertRecord {
        let cleared = AlertCleared(id: "c-\(raised.id)", raisedId: raised.id, alert: raised.alert, device: raised.device,
                                   severity: .critical, value: 25, at: at, raisedAt: raised.at, silenced: raised.silenced)
        let record = AlertRecord(id: cleared.id, type: .cleared, alert: raised.alert, device: raised.device, severity: "critical",
                                 at: at, raisedID: raised.id, value: 25, event: cleared.json, silenced: raised.silenced)
        try store.write(IngestBatch(observedAt: at, alerts: [record]))
        return record
    }

    /// Stores an operator's event (an acknowledgement of `raised`, or a silence) at `at`.
    @discardableResult
    func operatorEvent(acknowledging raised: AlertRecord? = nil, silence: String? = nil, at: Int64) throws -> AlertRecord {
        let record: AlertRecord
        if let raised {
            let ack = AlertAcknowledged(id: "a-\(raised.id)", raisedId: raised.id, alert: raised.alert, device: raised.device,
                                        by: "ana", comment: "seen", at: at)
            record = AlertRecord(id: ack.id, type: .acknowledged, alert: raised.alert, device: raised.device, severity: "critical",
                                 at: at, raisedID: raised.id, event: ack.json)
        } else {
            let created = SilenceCreated(silence: Silence(id: silence ?? "s1", matchers: try SilenceMatchers(alert: "*", device: nil, where: nil),
                                                          startsAt: at, endsAt: at + 60_000, createdBy: "ana", comment: "", createdAt: at))
            record = AlertRecord(id: created.silence.id, type: .silenceCreated, alert: "*", device: "", at: at, event: created.json)
        }
        try store.write(IngestBatch(observedAt: at, alerts: [record]))
        return record
    }
}
