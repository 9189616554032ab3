import Foundation
@testable import Replay
import Storage
import Telemetry
import TestSupport
import XCTest

@testable import Bridge

/// After the device catalog is fixed, dead letters re-decode into readings, once.
final class DeadLetterRecoveryTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "recovery-test")
    }

    override func tearDownWithError() throws {
        directory.remove()
    }

    private func catalog(metrics: String) throws -> DeviceCatalog {
        try DeviceCatalog.load(files: [(path: "room.yaml", contents: """
            type: room
            topic: rooms/{device}/{metric}
            format: value
            metrics:
            \(metrics)
            """)])
    }

    /// Ingests through the real pipeline with a catalog that lacks `co2`, so those become dead letters.
    private func ingestWithIncompleteCatalog() throws -> TelemetryStore {
        let store = try TelemetryStore(path: directory.file("recovery.sqlite"))
        let pipeline = try IngestPipeline(catalog: try catalog(metrics: "  temperature: { unit: \"°C\" }"),
                                      maxPayloadBytes: 1024, store: store)
        try pipeline.ingest([
            InboundMessage(topic: "rooms/r1/temperature", payload: Array("21".utf8), receivedAt: 1_000),
            InboundMessage(topic: "rooms/r1/co2", payload: Array("612".utf8), receivedAt: 2_000),
            InboundMessage(topic: "rooms/r2/co2", payload: Array("640".utf8), receivedAt: 3_000),
            InboundMessage(topic: "rooms/r2/co2", payload: Array("lots".utf8), receivedAt: 4_000),
        ])
        XCTAssertEqual(try store.deadLetterCountsByReason(), ["unknown_metric": 3])
        return store
    }

    func testFixedCatalogRecoversDeadLettersAndResolvesThem() throws {
        let store = try ingestWithIncompleteCatalog()
        let fixed = try catalog(metrics: "  temperature: { unit: \"°C\" }\n  co2: { unit: ppm, min: 0, max: 10000 }")
        let report = try DeadLetterRecovery(store: store, catalog: fixed).run(resolvedAt: 9_000)

        XCTAssertEqual(report.examined, 3)
        XCTAssertEqual(report.recovered, 2)
        XCTAssertEqual(report.readings, 2)
        XCTAssertEqual(report.stillFailing, ["not_a_number": 1])
        XCTAssertEqual(try store.readings(device: "r1", metric: "co2"),
                       [Reading(device: "r1", metric: "co2", timestamp: 2_000, value: 612)], "event time = original receive time")
        XCTAssertEqual(try store.series().first { $0.device == "r2" && $0.metric == "co2" }?.unit, "ppm")
        let unresolved = try store.deadLetters(filter: DeadLetterFilter(unresolvedOnly: true))
        XCTAssertEqual(unresolved.map(\.payload), [Array("lots".utf8)])
        XCTAssertEqual(try store.deadLetters().filter { $0.resolvedAt == 9_000 }.count, 2)
    }

    func testSecondReplayFindsNothingNewAndStoresNothingTwice() throws {
        let store = try ingestWithIncompleteCatalog()
        let fixed = try catalog(metrics: "  temperature: {}\n  co2: {}")
        _ = try DeadLetterRecovery(store: store, catalog: fixed).run(resolvedAt: 9_000)
        let again = try DeadLetterRecovery(store: store, catalog: fixed).run(resolvedAt: 10_000)
        XCTAssertEqual(again.examined, 1, "only the one still failing")
        XCTAssertEqual(again.recovered, 0)
        XCTAssertEqual(try store.readingCount(), 3)
    }

    func testPagesPastLettersThatStillFail() throws {
        let store = try TelemetryStore(path: directory.file("pages.sqlite"))
        let pipeline = try IngestPipeline(catalog: try catalog(metrics: "  temperature: {}"), maxPayloadBytes: 1024, store: store)
        // Alternate failing and recoverable letters across several pages.
        try pipeline.ingest((0..<25).map { index in
            InboundMessage(topic: "rooms/r\(index)/co2", payload: Array((index % 2 == 0 ? "x" : "\(index)").utf8),
                           receivedAt: Int64(index))
        })
        let report = try DeadLetterRecovery(store: store, catalog: try catalog(metrics: "  temperature: {}\n  co2: {}"))
            .run(resolvedAt: 100, pageSize: 4)
        XCTAssertEqual(report.examined, 25)
        XCTAssertEqual(report.recovered, 12)
        XCTAssertEqual(report.stillFailing, ["not_a_number": 13])
    }

    func testCommandListsAndReplaysWithExitCodes() throws {
        let store = try ingestWithIncompleteCatalog()
        _ = store
        let database = directory.file("recovery.sqlite")
        let list = try BridgeProcess.command(["deadletters", "list", "--db", database, "--reason", "unknown_metric"],
                                             directory: directory, name: "dl-list")
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("unknown_metric  rooms/r2/co2"), list.stdout)
        XCTAssertTrue(list.stdout.contains("payload (4 bytes): lots"), list.stdout)

        let devices = directory.file("devices")
        try FileManager.default.createDirectory(atPath: devices, withIntermediateDirectories: true)
        try "type: room\ntopic: rooms/{device}/{metric}\nformat: value\nmetrics:\n  temperature: {}\n  co2: {}\n"
            .write(toFile: devices + "/room.yaml", atomically: true, encoding: .utf8)
        let replay = try BridgeProcess.command(["deadletters", "replay", "--db", database, "--devices", devices],
                                               directory: directory, name: "dl-replay")
        XCTAssertEqual(replay.status, 1, "one still fails: " + replay.stderr)
        XCTAssertTrue(replay.stdout.contains("examined 3, recovered 2 (2 new readings), still failing 1"), replay.stdout)
        XCTAssertTrue(replay.stdout.contains("not_a_number: 1"), replay.stdout)

        let jsonl = try BridgeProcess.command(["deadletters", "list", "--db", database, "--all", "--format", "jsonl"],
                                              directory: directory, name: "dl-jsonl")
        let objects = try jsonl.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(objects.count, 3)
        XCTAssertEqual(objects.filter { !($0["resolvedAt"] is NSNull) }.count, 2)
        XCTAssertEqual(objects.last?["payload"] as? String, Data("lots".utf8).base64EncodedString())
    }
}
