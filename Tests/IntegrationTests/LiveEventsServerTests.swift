import Bridge
import Dashboard
import Foundation
import Hummingbird
import Logging
import Rules
import Storage
import Telemetry
import TestSupport
import XCTest

/// `/api/events` through a real server on a free port, read by a raw socket client, fed by a real
/// pipeline's commits.
final class LiveEventsServerTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var store: TelemetryStore!
    private var server: Task<Void, any Error>?
    private var port: UInt16 = 0

    private static let devices = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Devices").path

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "live-events-test")
        store = try TelemetryStore(path: directory.file("live.sqlite"))
    }

    override func tearDownWithError() throws {
        server?.cancel()
        store = nil
        directory.remove()
    }

    private func startServer(_ events: LiveEvents) throws {
        port = FreePort.next()
        var logger = Logger(label: "live-events-test")
        logger.logLevel = .critical
        let dashboard = DashboardApplication(store: store, now: { 0 }, events: events)
        let application = dashboard.application(host: "127.0.0.1", port: Int(port), logger: logger)
        server = Task { try await application.runService(gracefulShutdownSignals: []) }
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) { FreePort.isAccepting(port) }, "server did not start")
    }

    private func pipeline(events: LiveEvents, rules: String) throws -> IngestPipeline {
        let catalog = try DeviceCatalog.load(directory: Self.devices)
        let rulesDirectory = directory.file("rules")
        try FileManager.default.createDirectory(atPath: rulesDirectory, withIntermediateDirectories: true)
        try rules.write(toFile: rulesDirectory + "/test.yaml", atomically: true, encoding: .utf8)
        let ruleSet = try RuleSet.load(directory: rulesDirectory, schema: RuleSchema(catalog: catalog))
        return try IngestPipeline(catalog: catalog, maxPayloadBytes: 1024, store: store, rules: RuleEngine(rules: ruleSet),
                              commitObserver: events.publish, clock: { 1_795_428_960_000 })
    }

    private func message(_ topic: String, _ payload: String) -> InboundMessage {
        InboundMessage(topic: topic, payload: Array(payload.utf8), receivedAt: 1_795_428_960_000)
    }

    func testEventsOfACommitArriveInOrderInTheContractFormat() throws {
        let events = LiveEvents()
        try startServer(events)
        let pipeline = try pipeline(events: events, rules: """
            rules:
              - alert: Hot
                devices: climate-sensor
                when: temperature > 30
                severity: critical
                message: "{{device}} hot"
            """)
        let client = try LiveEventsClient(port: port)
        XCTAssertTrue(client.head.hasPrefix("HTTP/1.1 200"), client.head)
        XCTAssertTrue(client.head.lowercased().contains("content-type: text/event-stream"), client.head)
        XCTAssertTrue(client.head.lowercased().contains("cache-control: no-cache"), client.head)
        XCTAssertEqual(try client.next()?.comment, "connected")

        try pipeline.ingest([
            message("greenhouse/north/gh-1/climate", #"{"ts":1795428900000,"temp":35,"hum":40}"#),
            message("greenhouse/north/gh-2/climate", "{oops"),
        ])
        try pipeline.ingest([message("greenhouse/north/gh-1/climate", #"{"ts":1795428930000,"temp":36.25,"hum":41}"#)])

        let first = try XCTUnwrap(client.nextEvent())
        XCTAssertEqual(first.event, "readings")
        XCTAssertEqual(first.data, """
            [{"device":"gh-1","metric":"temperature","t":"2026-11-23T10:15:00.000Z","value":35},\
            {"device":"gh-1","metric":"humidity","t":"2026-11-23T10:15:00.000Z","value":40}]
            """)
        let alert = try XCTUnwrap(client.nextEvent())
        XCTAssertEqual(alert.event, "alert")
        XCTAssertEqual(alert.data, try store.alerts().first?.event, "the event JSON as stored and published")
        XCTAssertTrue(alert.data?.contains(#""type":"AlertRaised""#) ?? false)
        let deadLetter = try XCTUnwrap(client.nextEvent())
        XCTAssertEqual(deadLetter.event, "deadletter")
        XCTAssertEqual(deadLetter.data,
                       #"{"topic":"greenhouse/north/gh-2/climate","reason":"malformed_json","receivedAt":"2026-11-23T10:16:00.000Z"}"#)
        let second = try XCTUnwrap(client.nextEvent())
        XCTAssertEqual(second.event, "readings")
        XCTAssertTrue(second.data?.contains(#""value":36.25"#) ?? false, second.data ?? "")
    }

    func testAQuietStreamGetsKeepaliveCommentsAndAGoneClientIsRemoved() throws {
        let events = LiveEvents(keepaliveInterval: .milliseconds(100))
        try startServer(events)
        let client = try LiveEventsClient(port: port)
        XCTAssertEqual(try client.next()?.comment, "connected")
        XCTAssertEqual(try client.next(timeout: .seconds(5))?.comment, "keepalive")
        XCTAssertEqual(try client.next(timeout: .seconds(5))?.comment, "keepalive")
        XCTAssertEqual(events.subscribers, 1)
        client.close()
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) { events.subscribers == 0 }, "the stream of a closed connection is removed")
    }

    func testClosingTheBroadcasterEndsOpenStreams() throws {
        let events = LiveEvents()
        try startServer(events)
        let client = try LiveEventsClient(port: port)
        XCTAssertEqual(try client.next()?.comment, "connected")
        events.close()
        XCTAssertNil(try client.next(timeout: .seconds(5)))
        XCTAssertTrue(client.ended, "the response ended with the last chunk")
    }
}
