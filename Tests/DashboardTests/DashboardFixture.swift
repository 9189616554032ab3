import Dashboard
import Foundation
import Hummingbird
import HummingbirdTesting
import Rules
import Storage
import Telemetry
import XCTest

/// A real SQLite store in a temporary directory, seeded with two devices, readings, an alert
/// raised and cleared, and dead letters; and a helper to call the API in `.router` mode.
class DashboardTestCase: XCTestCase {
    static let t0: Int64 = 1_795_000_000_000
    static let raisedAt = t0 + 10 * 60_000
    static let clearedAt = t0 + 20 * 60_000
    static let now = t0 + 2 * 3_600_000

    var directory: URL!
    var store: TelemetryStore!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dashboard-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try TelemetryStore(
            path: directory.appendingPathComponent("telemetry.sqlite").path,
            configuration: StoreConfiguration(lastSeenResolution: 0))
        try seed()
    }

    override func tearDown() {
        store = nil
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    static func raisedEvent(_ id: String, at: Int64) -> String {
        #"{"type":"AlertRaised","schema":1,"id":"\#(id)","alert":"overheat","device":"pump-1","at":\#(at)}"#
    }

    static func clearedEvent(_ id: String, raised: String, at: Int64) -> String {
        #"{"type":"AlertCleared","schema":1,"id":"\#(id)","raisedId":"\#(raised)","at":\#(at)}"#
    }

    private func seed() throws {
        let t0 = Self.t0
        // pump-1 temperature: one reading a minute for an hour, value = minute index.
        let temperatures = (0..<60).map { Reading(device: "pump-1", metric: "temperature", timestamp: t0 + Int64($0) * 60_000, value: Double($0)) }
        let pressures = [Reading(device: "pump-2", metric: "pressure", timestamp: t0 + 5 * 60_000, value: 2.5)]
        let raised = AlertRecord(
            id: "r1", type: .raised, alert: "overheat", device: "pump-1", severity: "critical", at: Self.raisedAt,
            value: 10, event: Self.raisedEvent("r1", at: Self.raisedAt))
        let cleared = AlertRecord(
            id: "c1", type: .cleared, alert: "overheat", device: "pump-1", at: Self.clearedAt, raisedID: "r1",
            value: 20, event: Self.clearedEvent("c1", raised: "r1", at: Self.clearedAt))
        _ = try store.write(IngestBatch(
            devices: [Device(id: "pump-1", type: "pump", labels: ["site": "north"]), Device(id: "pump-2", type: "pump")],
            units: [SeriesKey(device: "pump-1", metric: "temperature"): "Cel", SeriesKey(device: "pump-2", metric: "pressure"): "bar"],
            readings: temperatures + pressures,
            deadLetters: [
                DeadLetter(topic: "sensors/pump-9/data", payload: Array("{\"t\":".utf8), receivedAt: t0 + 1_000,
                           reasons: [.unknownTopic(topic: "sensors/pump-9/data")]),
                DeadLetter(topic: "other/x", payload: Array("big".utf8), receivedAt: t0 + 2_000,
                           reasons: [.payloadTooLarge(size: 3, limit: 2)]),
            ],
            observedAt: t0,
            alerts: [raised, cleared]))
    }

    /// Rules over the fixture's pumps: `Warm` (pump-1 is above 30 from minute 31, so pending from
    /// t0+31m until its `for` runs out at t0+51m) and `Quiet` (a pump silent for 30 minutes, for 10).
    static let rulesYAML = """
        rules:
          - alert: Warm
            devices: pump
            when: last(temperature) > 30
            for: 20m
            severity: warning
            message: warm
          - alert: Quiet
            devices: pump
            when: silent(30m)
            for: 10m
            severity: info
            message: quiet
        """

    static func rules() throws -> RuleSet {
        try RuleSet.parse(
            files: [("pumps.yaml", rulesYAML)],
            schema: RuleSchema(types: [.init(name: "pump", metrics: ["temperature", "pressure"], labels: ["site"])]))
    }

    func dashboard(
        health: @escaping DashboardApplication.HealthProvider = { DashboardHealth(healthy: true) }, rules: RuleSet? = nil
    ) -> DashboardApplication {
        DashboardApplication(store: store, now: { Self.now }, health: health, rules: rules)
    }

    /// Calls `uri` and returns the status and the body parsed as JSON.
    func get(
        _ uri: String, health: @escaping DashboardApplication.HealthProvider = { DashboardHealth(healthy: true) },
        rules: RuleSet? = nil
    ) async throws -> (status: HTTPResponse.Status, json: Any) {
        let app = Application(router: dashboard(health: health, rules: rules).router())
        return try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                XCTAssertEqual(response.headers[.contentType], "application/json; charset=utf-8")
                let json = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8), options: [.fragmentsAllowed])
                return (response.status, json)
            }
        }
    }

    /// Asserts `uri` answers `status` with an error naming `parameter`.
    func assertError(
        _ uri: String, status: HTTPResponse.Status = .badRequest, parameter: String,
        file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let (actual, json) = try await get(uri)
        XCTAssertEqual(actual, status, uri, file: file, line: line)
        let object = json as? [String: Any]
        XCTAssertEqual(object?["parameter"] as? String, parameter, uri, file: file, line: line)
        XCTAssertFalse((object?["error"] as? String ?? "").isEmpty, uri, file: file, line: line)
    }
}
