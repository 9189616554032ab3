import Bridge
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Storage
import TestSupport
import XCTest

@testable import Dashboard
import Telemetry

/// `/metrics` and `/healthz` over a real daemon: a real mosquitto, known good and bad messages
/// published with `mosquitto_pub`, the text format read strictly, counters compared with what
/// was ingested.
final class MetricsEndpointTests: XCTestCase {
    private var broker: MosquittoBroker!
    private var directory: TemporaryDirectory!
    private var daemon: BridgeDaemon?
    private var registry: PrometheusCollectorRegistry!

    private static let devices = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Devices").path

    override func setUpWithError() throws {
        broker = try MosquittoBroker()
        directory = try TemporaryDirectory(prefix: "metrics-test")
        registry = PrometheusCollectorRegistry()
    }

    override func tearDownWithError() throws {
        daemon?.stop()
        try? broker.stop()
        directory.remove()
    }

    private func startDaemon() throws -> BridgeDaemon {
        let rules = directory.file("rules")
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try """
            rules:
              - alert: GreenhouseHot
                devices: climate-sensor
                when: temperature > 30
                severity: critical
                message: "{{device}} hot"
            """.write(toFile: rules + "/hot.yaml", atomically: true, encoding: .utf8)
        var configuration = BridgeConfiguration()
        configuration.broker = broker.url
        configuration.database = directory.file("metrics.sqlite")
        configuration.devices = Self.devices
        configuration.rules = rules
        configuration.clientID = "metrics-test-\(UUID().uuidString.prefix(8))"
        configuration.maxPayload = 256
        configuration.summaryInterval = 0
        var logger = Logger(label: "metrics-test")
        logger.logLevel = .warning
        let daemon = try BridgeDaemon(configuration: configuration, logger: logger,
                                      metrics: BridgeMetrics(factory: MetricsEndpoint.factory(registry: registry, histogramBuckets: BridgeMetrics.histogramBuckets)))
        try daemon.start()
        self.daemon = daemon
        return daemon
    }

    private func dashboard(_ daemon: BridgeDaemon?) throws -> Application<RouterResponder<BasicRequestContext>> {
        let store = try daemon?.store ?? TelemetryStore(path: directory.file("empty.sqlite"))
        let application = DashboardApplication(
            store: store, now: { WallClock.milliseconds() },
            health: {
                guard let health = daemon?.health() else { return DashboardHealth(healthy: true) }
                return DashboardHealth(healthy: health.healthy, degraded: health.degraded,
                                       checks: health.checks(now: WallClock.milliseconds()))
            },
            metrics: daemon.map { MetricsEndpoint(registry: registry, refresh: $0.refreshMetrics) })
        return Application(router: application.router())
    }

    private func get(_ uri: String, from app: Application<RouterResponder<BasicRequestContext>>) async throws
        -> (status: HTTPResponse.Status, contentType: String?, body: String)
    {
        try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                (response.status, response.headers[.contentType], String(buffer: response.body))
            }
        }
    }

    private func publish(_ topic: String, _ payload: MosquittoPayload) throws {
        try MosquittoClients.publish(broker.clientOptions(), topic: topic, payload: payload, qos: 1)
    }

    func testCountersMatchWhatWasIngestedAndHistogramsHaveCounts() async throws {
        let daemon = try startDaemon()
        let eventTime = WallClock.milliseconds() - 90_000
        let climate = { (temp: Int, hum: Int) in #"{"ts":\#(eventTime),"temp":\#(temp),"hum":\#(hum)}"# }
        try publish("greenhouse/north/gh-1/climate", .text(climate(21, 40)))
        try publish("greenhouse/north/gh-1/climate", .text(climate(21, 40)))  // a duplicate of both readings
        try publish("greenhouse/north/gh-2/climate", .text(climate(35, 40)))  // raises GreenhouseHot
        try publish("home/kitchen/th-1/co2", .text("612"))  // stamped on receipt: no lag
        try publish("greenhouse/north/gh-3/climate", .text("{oops"))
        try publish("greenhouse/north/gh-3/climate", .text("{oops again"))
        try publish("greenhouse/north/gh-4/climate", .text(climate(21, 140)))  // humidity out of range, temperature kept
        try publish("home/kitchen/th-1/co2", .text(String(repeating: "9", count: 300)))  // over --max-payload 256
        XCTAssertTrue(waitUntil(timeout: .seconds(30)) { daemon.counters.messages.load(ordering: .relaxed) == 8 },
                      "ingested \(daemon.counters.snapshot())")

        let app = try dashboard(daemon)
        let (status, contentType, body) = try await get("/metrics", from: app)
        XCTAssertEqual(status, .ok)
        XCTAssertTrue(contentType?.hasPrefix("text/plain; version=0.0.4") ?? false, contentType ?? "none")
        let metrics = try MetricsText(body)

        XCTAssertEqual(metrics.value("telemetry_bridge_messages_received_total"), 8)
        XCTAssertEqual(metrics.value("telemetry_bridge_readings_stored_total"), 6)
        XCTAssertEqual(metrics.value("telemetry_bridge_readings_stored_total"), Double(try daemon.store.readingCount()))
        XCTAssertEqual(metrics.value("telemetry_bridge_duplicate_readings_total"), 2)
        let deadLetters = Dictionary(uniqueKeysWithValues: metrics.samples(named: "telemetry_bridge_dead_letters_total").map {
            ($0.labels["reason"] ?? "", $0.value)
        })
        XCTAssertEqual(deadLetters, ["malformed_json": 2, "out_of_range": 1, "payload_too_large": 1])
        XCTAssertEqual(deadLetters.mapValues(Int.init), try daemon.store.deadLetterCountsByReason())
        XCTAssertEqual(metrics.samples(named: "telemetry_bridge_alerts_total").map(\.labels),
                       [["alert": "GreenhouseHot", "severity": "critical", "type": "raised"]])
        XCTAssertEqual(metrics.value("telemetry_bridge_alerts_total",
                                     ["alert": "GreenhouseHot", "severity": "critical", "type": "raised"]), 1)
        XCTAssertEqual(metrics.value("telemetry_bridge_mqtt_connected"), 1)
        XCTAssertEqual(metrics.value("telemetry_bridge_mqtt_reconnects_total"), 0)
        XCTAssertEqual(metrics.value("telemetry_bridge_queue_depth"), 0)
        XCTAssertEqual(metrics.value("telemetry_bridge_last_commit_timestamp_seconds"),
                       Double(daemon.counters.lastCommitAt.load(ordering: .relaxed)) / 1000)

        XCTAssertEqual(metrics.types["telemetry_bridge_batch_commit_seconds"], "histogram")
        XCTAssertEqual(metrics.value("telemetry_bridge_batch_commit_seconds_count"),
                       Double(daemon.counters.batches.load(ordering: .relaxed)))
        XCTAssertGreaterThan(metrics.value("telemetry_bridge_batch_commit_seconds_sum") ?? 0, 0)
        // Every reading with an event time, duplicates included (batches this small are not sampled):
        // 2 + 2 + 2 + 1 climate readings, all about 90 s late.
        XCTAssertEqual(metrics.types["telemetry_bridge_ingest_lag_seconds"], "histogram")
        XCTAssertEqual(metrics.value("telemetry_bridge_ingest_lag_seconds_count"), 7)
        XCTAssertEqual(metrics.value("telemetry_bridge_ingest_lag_seconds_bucket", ["le": "60.0"]), 0)
        XCTAssertEqual(metrics.value("telemetry_bridge_ingest_lag_seconds_bucket", ["le": "300.0"]), 7)
        XCTAssertEqual(metrics.value("telemetry_bridge_ingest_lag_seconds_sum") ?? 0, 7 * 90, accuracy: 7 * 30)
    }

    func testHealthAndConnectionMetricsFollowTheBroker() async throws {
        let daemon = try startDaemon()
        try publish("greenhouse/north/gh-1/climate", .text(#"{"ts":1795428900000,"temp":21,"hum":40}"#))
        XCTAssertTrue(waitUntil(timeout: .seconds(30)) { daemon.counters.batches.load(ordering: .relaxed) > 0 })
        let app = try dashboard(daemon)

        let (status, _, body) = try await get("/healthz", from: app)
        XCTAssertEqual(status, .ok, body)
        let checks = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["checks"] as? [String: String])
        XCTAssertEqual(checks["broker"], "connected")
        XCTAssertEqual(checks["writer"], "ok")
        XCTAssertNotEqual(checks["lastCommitAt"], "never")
        XCTAssertNotNil(checks["lastCommitAgeSeconds"].flatMap(Double.init))

        try broker.stop()
        let deadline = ContinuousClock.now + .seconds(20)
        var last: (status: HTTPResponse.Status, contentType: String?, body: String) = (.ok, nil, "")
        while ContinuousClock.now < deadline {
            last = try await get("/healthz", from: app)
            if last.status == .serviceUnavailable { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTAssertEqual(last.status, .serviceUnavailable, last.body)
        XCTAssertTrue(last.body.contains(#""broker":"disconnected""#), last.body)
        let down = try MetricsText(try await get("/metrics", from: app).body)
        XCTAssertEqual(down.value("telemetry_bridge_mqtt_connected"), 0)

        try broker.start()
        let reconnected = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < reconnected {
            last = try await get("/healthz", from: app)
            if last.status == .ok { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTAssertEqual(last.status, .ok, last.body)
        let up = try MetricsText(try await get("/metrics", from: app).body)
        XCTAssertEqual(up.value("telemetry_bridge_mqtt_connected"), 1)
        XCTAssertEqual(up.value("telemetry_bridge_mqtt_reconnects_total"), 1)
    }

    func testWithoutARegistryMetricsIsNotFound() async throws {
        let (status, _, _) = try await get("/metrics", from: try dashboard(nil))
        XCTAssertEqual(status, .notFound)
    }
}
