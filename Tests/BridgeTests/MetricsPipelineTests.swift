import Bridge
import GRDB
import Metrics
import Prometheus
import Rules
import Storage
import Synchronization
import Telemetry
import TestSupport
import XCTest

/// The pipeline's metrics and commit observer, without a broker: what each commit reports, the
/// lag sample of big batches, and the writer's health after a failed commit.
final class MetricsPipelineTests: XCTestCase {
    private static let now: Int64 = 1_795_428_960_000
    private var directory: TemporaryDirectory!
    private var registry: PrometheusCollectorRegistry!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "metrics-pipeline-test")
        registry = PrometheusCollectorRegistry()
    }

    override func tearDownWithError() throws {
        directory.remove()
    }

    private var factory: PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = BridgeMetrics.histogramBuckets
        return factory
    }

    private func rules(_ text: String, catalog: DeviceCatalog, name: String) throws -> RuleSet {
        let rules = directory.file(name)
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try text.write(toFile: rules + "/rules.yaml", atomically: true, encoding: .utf8)
        return try RuleSet.load(directory: rules, schema: RuleSchema(catalog: catalog))
    }

    private func message(_ topic: String, _ payload: String, receivedAt: Int64 = now) -> InboundMessage {
        InboundMessage(topic: topic, payload: Array(payload.utf8), receivedAt: receivedAt)
    }

    /// `name{labels} value` lines of the registry's output, as a dictionary.
    private func samples() -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in registry.emitToString().split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    func testEveryCommitIsObservedInOrderAndCounted() throws {
        let catalog = try DeviceCatalog.load(directory: RepositoryPaths.devices)
        let hot = try rules("""
            rules:
              - alert: Hot
                devices: climate-sensor
                when: temperature > 30
                severity: warning
                message: "{{device}} hot"
            """, catalog: catalog, name: "hot")
        let observed = Mutex<[CommittedBatch]>([])
        let pipeline = try IngestPipeline(
            catalog: catalog, maxPayloadBytes: 1024, store: try TelemetryStore(path: directory.file("p.sqlite")),
            rules: RuleEngine(rules: hot), metrics: BridgeMetrics(factory: factory),
            commitObserver: { batch in observed.withLock { $0.append(batch) } }, clock: { Self.now })

        try pipeline.ingest([
            message("greenhouse/north/gh-1/climate", #"{"ts":1795428900000,"temp":35,"hum":40}"#),
            message("greenhouse/north/gh-2/climate", "{oops"),
            message("nowhere/at/all", "1"),
        ])
        // Removing the rule clears its alert: a commit of alert events alone.
        _ = try pipeline.reload(try rules("rules: []\n", catalog: catalog, name: "none"))

        let batches = observed.withLock { $0 }
        XCTAssertEqual(batches.count, 2)
        XCTAssertEqual(batches[0].readings.map(\.metric), ["temperature", "humidity"])
        XCTAssertEqual(batches[0].alerts.map(\.type), [.raised])
        XCTAssertEqual(batches[0].deadLetters.map(\.code), ["malformed_json", "unknown_topic"])
        XCTAssertEqual(batches[1].readings, [])
        XCTAssertEqual(batches[1].alerts.map(\.type), [.cleared])
        XCTAssertEqual(batches[1].alerts.first?.raisedID, batches[0].alerts.first?.id)

        let samples = samples()
        XCTAssertEqual(samples["telemetry_bridge_messages_received_total"], 3)
        XCTAssertEqual(samples["telemetry_bridge_readings_stored_total"], 2)
        XCTAssertEqual(samples[#"telemetry_bridge_dead_letters_total{reason="malformed_json"}"#], 1)
        XCTAssertEqual(samples[#"telemetry_bridge_dead_letters_total{reason="unknown_topic"}"#], 1)
        XCTAssertEqual(samples[#"telemetry_bridge_alerts_total{alert="Hot",severity="warning",type="raised"}"#], 1)
        XCTAssertEqual(samples[#"telemetry_bridge_alerts_total{alert="Hot",severity="warning",type="cleared"}"#], 1)
        XCTAssertEqual(samples["telemetry_bridge_batch_commit_seconds_count"], 2, "both commits timed")
        XCTAssertEqual(samples["telemetry_bridge_last_commit_timestamp_seconds"], Double(Self.now) / 1000)
        XCTAssertEqual(samples["telemetry_bridge_ingest_lag_seconds_count"], 2)
        XCTAssertEqual(samples["telemetry_bridge_ingest_lag_seconds_sum"], 120)
    }

    func testBigBatchesRecordTheLagOfEvenlySpacedMessages() throws {
        let catalog = try DeviceCatalog.load(directory: RepositoryPaths.devices)
        let pipeline = try IngestPipeline(
            catalog: catalog, maxPayloadBytes: 1024, store: try TelemetryStore(path: directory.file("p.sqlite")),
            metrics: BridgeMetrics(factory: factory), clock: { Self.now })
        let messages = (0..<1_000).map { index in
            message("greenhouse/north/gh-\(index)/climate", #"{"ts":1795428955000,"temp":20,"hum":50}"#)
        }
        try pipeline.ingest(messages)
        let samples = samples()
        XCTAssertEqual(samples["telemetry_bridge_readings_stored_total"], 2_000)
        // Every 16th message (ceil(1000 / 64)): 63 messages, two readings each, 5 s late.
        XCTAssertEqual(samples["telemetry_bridge_ingest_lag_seconds_count"], 126)
        XCTAssertEqual(samples["telemetry_bridge_ingest_lag_seconds_sum"], 630)
        XCTAssertEqual(samples[#"telemetry_bridge_ingest_lag_seconds_bucket{le="5.0"}"#], 126)
        XCTAssertEqual(samples[#"telemetry_bridge_ingest_lag_seconds_bucket{le="2.5"}"#], 0)
    }

    func testAFailedCommitMarksTheWriterUnhealthyUntilOneSucceeds() throws {
        let path = directory.file("locked.sqlite")
        let store = try TelemetryStore(path: path, configuration: StoreConfiguration(busyTimeout: 0.01))
        let catalog = try DeviceCatalog.load(directory: RepositoryPaths.devices)
        let pipeline = try IngestPipeline(catalog: catalog, maxPayloadBytes: 1024, store: store,
                                      metrics: BridgeMetrics(factory: factory), clock: { Self.now })
        let batch = [message("greenhouse/north/gh-1/climate", #"{"ts":1795428900000,"temp":21,"hum":40}"#)]

        var lockerConfiguration = Configuration()
        lockerConfiguration.allowsUnsafeTransactions = true
        let locker = try DatabaseQueue(path: path, configuration: lockerConfiguration)
        try locker.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        XCTAssertThrowsError(try pipeline.ingest(batch))
        XCTAssertTrue(pipeline.counters.lastCommitFailed.load(ordering: .relaxed))
        XCTAssertEqual(pipeline.counters.lastCommitAt.load(ordering: .relaxed), 0)
        XCTAssertNil(samples()["telemetry_bridge_messages_received_total"].flatMap { $0 > 0 ? $0 : nil },
                     "nothing counted for a batch that was not stored")

        try locker.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        try pipeline.ingest(batch)
        XCTAssertFalse(pipeline.counters.lastCommitFailed.load(ordering: .relaxed))
        XCTAssertEqual(pipeline.counters.lastCommitAt.load(ordering: .relaxed), Self.now)
        XCTAssertEqual(samples()["telemetry_bridge_messages_received_total"], 1)
    }
}
