import Operations
import Rules
import Storage
import Synchronization
import Telemetry
import TestSupport
import XCTest

@testable import Bridge

/// Operators' commands run under the ingest pipeline's lock: a silence marks the raises after it,
/// and silences logged by another process reach the engine on the next tick.
final class OperatorPipelineTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private let clock = TestClock(1_795_428_900_000)
    private var now: Int64 {
        get { clock.now }
        set { clock.now = newValue }
    }

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "operator-pipeline")
    }

    override func tearDownWithError() throws {
        directory.remove()
    }

    private func pipeline(store: TelemetryStore) throws -> IngestPipeline {
        let catalog = try DeviceCatalog.load(directory: RepositoryPaths.devices)
        let rules = try RuleSet.parse(files: [("hot.yaml", """
            rules:
              - alert: HotNow
                devices: climate-sensor
                when: temperature > 30
                severity: critical
            """)], schema: RuleSchema(catalog: catalog))
        let clock = self.clock
        return try IngestPipeline(catalog: catalog, maxPayloadBytes: 1024, store: store, rules: RuleEngine(rules: rules),
                                  clock: { clock.now })
    }

    private func climate(_ device: String, temp: Double) -> InboundMessage {
        InboundMessage(topic: "greenhouse/north/\(device)/climate", payload: Array(#"{"ts":\#(now),"temp":\#(temp),"hum":40}"#.utf8),
                       receivedAt: now)
    }

    private func silenceCommand(_ device: String) -> OperatorCommand {
        guard case .success(let command) = OperatorCommand.parse(
            name: "silence", payload: Array(#"{"device":"\#(device)","duration":"1h","by":"ana"}"#.utf8), now: now).command
        else { fatalError("bad test command") }
        return command
    }

    func testASilenceMarksTheRaisesAfterIt() throws {
        let store = try TelemetryStore(path: directory.file("log.sqlite"))
        let pipeline = try pipeline(store: store)
        try pipeline.ingest([climate("gh-01", temp: 35)])
        _ = try pipeline.perform(.acknowledge(AcknowledgeRequest(alert: "HotNow", device: "gh-01", by: "bo")))
        let summary = try pipeline.perform(silenceCommand("gh-0*"))
        now += 1000
        try pipeline.ingest([climate("gh-01", temp: 20), climate("gh-02", temp: 35)])
        let silence = try XCTUnwrap(store.operatorEvents().last?.record.id)
        XCTAssertEqual(summary.sequence, try store.operatorEvents().last?.sequence)
        let events = try store.alerts()
        XCTAssertEqual(events.map { "\($0.type.rawValue) \($0.device) \($0.silenced ?? "-")" },
                       ["AlertRaised gh-01 -", "AlertCleared gh-01 -", "AlertRaised gh-02 \(silence)"])
    }

    func testSilencesLoggedByAnotherProcessReachTheEngineOnTheNextTick() throws {
        let store = try TelemetryStore(path: directory.file("log.sqlite"))
        let pipeline = try pipeline(store: store)
        let other = AlertOperator(store: try TelemetryStore(path: directory.file("log.sqlite")))
        guard case .silence(let request) = silenceCommand("gh-02") else { return XCTFail() }
        let created = try other.silence(request, now: now)
        now += 1000
        try pipeline.tick(now: now)
        try pipeline.ingest([climate("gh-02", temp: 35)])
        XCTAssertEqual(try store.alerts().map(\.silenced), [created.record.id])
    }
}

/// The test's clock, read by the pipeline on its own threads.
private final class TestClock: Sendable {
    private let time: Mutex<Int64>
    init(_ start: Int64) {
        time = Mutex(start)
    }
    var now: Int64 {
        get { time.withLock { $0 } }
        set { time.withLock { $0 = newValue } }
    }
}
