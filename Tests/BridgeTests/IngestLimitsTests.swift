@testable import Replay
import Rules
import Storage
import Telemetry
import TestSupport
import XCTest

@testable import Bridge

/// Publishers can invent device ids and event times: the pipeline keeps at most `maxDevices`
/// active devices, refuses implausible times, and gives back what it held for silent devices.
final class IngestLimitsTests: XCTestCase {
    private static let now: Int64 = 1_795_428_900_000
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "ingest-limits")
    }

    override func tearDownWithError() throws {
        directory.remove()
    }

    private func pipeline(_ limits: IngestLimits, rules: String? = nil, store: TelemetryStore? = nil) throws -> (IngestPipeline, TelemetryStore) {
        let store = try store ?? TelemetryStore(path: directory.file("limits.sqlite"))
        let catalog = try DeviceCatalog.load(directory: RepositoryPaths.devices)
        let engine = try rules.map { try RuleEngine(rules: RuleSet.parse(files: [("r.yaml", $0)], schema: RuleSchema(catalog: catalog))) }
        return (try IngestPipeline(catalog: catalog, maxPayloadBytes: 1024, store: store, rules: engine, limits: limits,
                                   clock: { Self.now }), store)
    }

    private func climate(_ device: String, ts: String = "\(now)", temp: Double = 21, at: Int64 = now) -> InboundMessage {
        InboundMessage(topic: "greenhouse/north/\(device)/climate", payload: Array(#"{"ts":\#(ts),"temp":\#(temp),"hum":40}"#.utf8), receivedAt: at)
    }

    func testNewDevicesBeyondTheLimitBecomeDeadLettersAndKnownOnesGoOn() throws {
        let (pipeline, store) = try pipeline(IngestLimits(maxDevices: 3))
        try pipeline.ingest((1...5).map { climate("gh-\($0)") })
        XCTAssertEqual(Set(try store.devices().map(\.id)), ["gh-1", "gh-2", "gh-3"])
        let refused = try store.deadLetters()
        XCTAssertEqual(refused.map(\.reason), ["device_limit", "device_limit"])
        XCTAssertEqual(refused.first?.detail, "new device 'gh-4' refused: the bridge keeps at most 3 devices (max-devices)")
        XCTAssertEqual(refused.first?.payload, climate("gh-4").payload, "the exact bytes are kept")
        let later = Self.now + 1_000
        let outcome = try pipeline.ingest([climate("gh-1", ts: "\(later)", at: later), climate("gh-6", ts: "\(later)", at: later)])
        XCTAssertEqual(outcome.insertedReadings, 2, "a known device keeps reporting")
        XCTAssertEqual(outcome.deadLetters, 1)
    }

    func testTheLimitCountsTheDevicesAlreadyStored() throws {
        let (first, store) = try pipeline(IngestLimits(maxDevices: 2))
        try first.ingest([climate("gh-1"), climate("gh-2")])
        let (restarted, _) = try pipeline(IngestLimits(maxDevices: 2), store: store)
        let outcome = try restarted.ingest([climate("gh-3"), climate("gh-1", ts: "\(Self.now + 1)")])
        XCTAssertEqual(outcome.deadLetters, 1)
        XCTAssertEqual(outcome.insertedReadings, 2)
    }

    func testImplausibleEventTimesBecomeDeadLetters() throws {
        let (pipeline, store) = try pipeline(IngestLimits(maxTimestampAge: 86_400_000, maxTimestampAhead: 3_600_000))
        let outcome = try pipeline.ingest([
            climate("gh-1", ts: "-1"),
            climate("gh-2", ts: "4.9e-324"),
            climate("gh-3", ts: "\(Self.now + 7_200_000)"),
            climate("gh-4", ts: "\(Self.now - 3_600_000)"),
            climate("gh-5", ts: "\(Int64.max)"),
        ])
        XCTAssertEqual(outcome.insertedReadings, 2, "only the reading an hour old is plausible")
        let letters = try store.deadLetters()
        // Int64.max reads as nanoseconds: the year 2262, a time, but not a plausible one.
        XCTAssertEqual(letters.map(\.reason), Array(repeating: "implausible_timestamp", count: 4))
        XCTAssertTrue(letters[0].detail.hasPrefix("event time 1969-12-31T23:59:59Z is implausibly far from the receive time 2026-11-23T"), letters[0].detail)
    }

    func testTheStateOfSilentDevicesIsReleasedAndTheirPlaceFreed() throws {
        let rules = """
            rules:
              - alert: Hot
                devices: climate-sensor
                when: temperature > 30
            """
        let (pipeline, store) = try pipeline(IngestLimits(maxDevices: 2, deviceStateRetention: 3_600_000), rules: rules)
        try pipeline.ingest([climate("gh-1"), climate("gh-2", temp: 35)])
        XCTAssertEqual(try store.firingAlerts().map(\.device), ["gh-2"])
        // Two hours later: gh-1 is released; gh-2 is firing, so it is kept.
        let later = Self.now + 7_200_000
        pipeline.releaseSilentDevices(now: later)
        let outcome = try pipeline.ingest([climate("gh-3", ts: "\(later)", at: later)])
        XCTAssertEqual(outcome.insertedReadings, 2, "the released device's place went to a new one")
        XCTAssertEqual(pipeline.engineDeviceCount, 2, "gh-2 (firing) and gh-3")
        try pipeline.ingest([climate("gh-2", ts: "\(later + 1)", temp: 20, at: later + 1)])
        XCTAssertTrue(try store.firingAlerts().isEmpty, "the kept device still clears its alert")
    }
}

/// Issue 10's first finding: a clear caused by removing its rule was stored with severity NULL
/// (looked up in the new rule set) and would have been published on `alerts/unknown/...`.
final class ClearSeverityTests: XCTestCase {
    func testClearCarriesTheSeverityOfItsRaiseWhenItsRuleIsRemoved() throws {
        let directory = try TemporaryDirectory(prefix: "clear-severity")
        defer { directory.remove() }
        let store = try TelemetryStore(path: directory.file("clear.sqlite"))
        let catalog = try DeviceCatalog.load(directory: RepositoryPaths.devices)
        let schema = RuleSchema(catalog: catalog)
        let rules = try RuleSet.parse(files: [("hot.yaml", """
            rules:
              - alert: HotNow
                devices: climate-sensor
                when: temperature > 30
                severity: critical
            """)], schema: schema)
        let now: Int64 = 1_795_428_900_000
        let pipeline = try IngestPipeline(catalog: catalog, maxPayloadBytes: 1024, store: store, rules: RuleEngine(rules: rules),
                                          clock: { now })
        try pipeline.ingest([InboundMessage(topic: "greenhouse/north/d1/climate",
                                            payload: Array(#"{"ts":\#(now),"temp":35,"hum":40}"#.utf8), receivedAt: now)])
        _ = try pipeline.reload(RuleSet.empty(schema: schema))
        let events = try store.alerts(filter: AlertFilter())
        XCTAssertEqual(events.map(\.type), [.raised, .cleared])
        XCTAssertEqual(events.map(\.severity), ["critical", "critical"])
        XCTAssertTrue(events[1].event.contains(#""severity":"critical""#), events[1].event)
    }
}
