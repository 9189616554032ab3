@testable import Replay
import Storage
import Telemetry
import TestSupport
import XCTest

@testable import Bridge

final class IngestPipelineTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "pipeline-test")
    }

    override func tearDownWithError() throws {
        directory.remove()
    }

    private func makePipeline() throws -> (IngestPipeline, TelemetryStore) {
        let store = try TelemetryStore(path: directory.file("pipeline.sqlite"))
        let catalog = try DeviceCatalog.load(directory: RepositoryPaths.devices)
        return (try IngestPipeline(catalog: catalog, maxPayloadBytes: 1024, store: store, clock: { 1_795_428_900_000 }), store)
    }

    private func message(_ topic: String, _ payload: String, at time: Int64 = 1_795_428_900_000) -> InboundMessage {
        InboundMessage(topic: topic, payload: Array(payload.utf8), receivedAt: time)
    }

    func testCommitsReadingsDevicesUnitsAndDeadLettersOfABatchTogether() throws {
        let (pipeline, store) = try makePipeline()
        let outcome = try pipeline.ingest([
            message("greenhouse/north/gh-01/climate", #"{"ts":1795428900000,"temp":21,"hum":40}"#),
            message("greenhouse/north/gh-01/climate", "{oops"),
            message("nowhere/at/all", "1"),
            message("home/kitchen/th-1/co2", String(repeating: "9", count: 2000)),
        ])
        XCTAssertEqual(outcome.insertedReadings, 2)
        XCTAssertEqual(outcome.deadLetters, 3)
        XCTAssertEqual(try store.deadLetterCountsByReason(),
                       ["malformed_json": 1, "unknown_topic": 1, "payload_too_large": 1])
        XCTAssertEqual(Set(try store.series().map { "\($0.metric):\($0.unit ?? "-")" }), ["temperature:°C", "humidity:%"])
        let counters = pipeline.counters.snapshot()
        XCTAssertEqual(counters.messages, 4)
        XCTAssertEqual(counters.readings, 2)
        XCTAssertEqual(counters.deadLetters, 3)
        XCTAssertEqual(counters.pending, 0)
    }

    func testAFullBatchSignalsABacklogUntilAShortOneOrForAMomentOnly() throws {
        let store = try TelemetryStore(path: directory.file("backlog.sqlite"))
        let catalog = try DeviceCatalog.load(directory: RepositoryPaths.devices)
        let pipeline = try IngestPipeline(catalog: catalog, maxPayloadBytes: 1024, store: store, backlogBatchSize: 2,
                                          clock: { 1_795_428_900_000 })
        let reading = message("greenhouse/north/gh-01/climate", #"{"ts":1795428900000,"temp":21,"hum":40}"#)
        XCTAssertFalse(pipeline.backlog.isDraining)
        try pipeline.ingest([reading, reading])
        XCTAssertTrue(pipeline.backlog.isDraining, "a full batch: the broker had more waiting")
        try pipeline.ingest([reading])
        XCTAssertFalse(pipeline.backlog.isDraining, "a short batch: caught up")
        try pipeline.ingest([reading, reading])
        XCTAssertTrue(waitUntil(timeout: .seconds(5)) { !pipeline.backlog.isDraining },
                      "a backlog that ended on a full batch is over once no batch follows")
    }

    func testUnitsReachSeriesWhenADevicesFirstMessageWasADeadLetter() throws {
        let (pipeline, store) = try makePipeline()
        try pipeline.ingest([message("greenhouse/north/gh-01/climate", "{oops")])
        try pipeline.ingest([message("greenhouse/north/gh-01/climate", #"{"ts":1795428900000,"temp":21,"hum":40}"#)])
        XCTAssertEqual(Set(try store.series().map { "\($0.metric):\($0.unit ?? "-")" }), ["temperature:°C", "humidity:%"])
    }

    func testRedeliveredBatchCountsDuplicatesAndStoresNothingTwice() throws {
        let (pipeline, store) = try makePipeline()
        let batch = [message("greenhouse/north/gh-01/climate", #"{"ts":1795428900000,"temp":21,"hum":40}"#)]
        try pipeline.ingest(batch)
        let again = try pipeline.ingest(batch)
        XCTAssertEqual(again.insertedReadings, 0)
        XCTAssertEqual(again.duplicateReadings, 2)
        XCTAssertEqual(try store.readingCount(), 2)
    }

    func testReceiveTimeReadingsOfOneSeriesInOneMillisecondAreNudgedApart() throws {
        let (pipeline, store) = try makePipeline()
        try pipeline.ingest((0..<5).map { message("zigbee2mqtt/door", #"{"linkquality":\#($0)}"#) })
        let stored = try store.readings(device: "door", metric: "linkquality")
        XCTAssertEqual(stored.map(\.value), [0, 1, 2, 3, 4])
        XCTAssertEqual(stored.map(\.timestamp), (0..<5).map { 1_795_428_900_000 + Int64($0) })
    }
}
