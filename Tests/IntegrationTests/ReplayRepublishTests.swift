import Foundation
import Replay
import Storage
import Telemetry
import TestSupport
import XCTest

/// `replay --publish` through a real mosquitto: a second daemon ingesting the republished
/// history into a second database ends up with the same export, and `--normalized` sends one
/// JSON per reading in event-time order.
///
/// Only device types whose payloads carry event time (climate-sensor JSON `ts`, energy-meter
/// SenML `bt`) can round-trip exactly; value and zigbee types are stamped on receipt.
final class ReplayRepublishTests: XCTestCase {
    private var fixture: ReplayFixture!
    private var broker: MosquittoBroker!
    private var processes: [ChildProcess] = []

    override func setUpWithError() throws {
        fixture = try ReplayFixture()
        broker = try MosquittoBroker()
        // Written as the daemon would store them: with the catalog's units.
        let catalog = try DeviceCatalog.load(directory: RepositoryPaths.devices)
        func write(_ device: Device, _ readings: [Reading]) throws {
            var units: [SeriesKey: String] = [:]
            for reading in readings {
                if let unit = catalog.type(named: device.type)?.metric(named: reading.metric)?.unit {
                    units[SeriesKey(device: device.id, metric: reading.metric)] = unit
                }
            }
            _ = try fixture.store.write(IngestBatch(devices: [device], units: units, readings: readings,
                                                    observedAt: ReplayFixture.base))
        }
        func climate(_ id: String, site: String, _ temperatures: [Double], from start: Int) -> [Reading] {
            temperatures.enumerated().flatMap { offset, value -> [Reading] in
                let time = ReplayFixture.base + Int64(start + offset) * 30_000
                return [Reading(device: id, metric: "temperature", timestamp: time, value: value),
                        Reading(device: id, metric: "humidity", timestamp: time, value: 50)]
            }
        }
        try write(Device(id: "gh-01", type: "climate-sensor", labels: ["site": "north"]),
                  climate("gh-01", site: "north", (0..<40).map { 20 + Double($0 % 7) * 0.5 }, from: 0))
        try write(Device(id: "gh-02", type: "climate-sensor", labels: ["site": "south"]),
                  climate("gh-02", site: "south", (0..<25).map { 18.25 + Double($0) }, from: 7))
        let meter = (0..<30).flatMap { step -> [Reading] in
            let time = ReplayFixture.base + Int64(step) * 10_000
            return [Reading(device: "meter-01", metric: "power", timestamp: time, value: 1200 + Double(step)),
                    Reading(device: "meter-01", metric: "energy", timestamp: time, value: 18_000.5 + Double(step) / 10),
                    Reading(device: "meter-01", metric: "voltage", timestamp: time, value: 230.25),
                    Reading(device: "meter-01", metric: "current", timestamp: time, value: 5.5)]
        }
        try write(Device(id: "meter-01", type: "energy-meter", labels: ["site": "north"]), meter)
    }

    override func tearDownWithError() throws {
        for process in processes { process.kill() }
        try? broker.stop()
        fixture.remove()
    }

    private func export(_ database: String) throws -> String {
        let result = try BridgeProcess.command(["export", "--db", database, "--format", "csv"],
                                               directory: fixture.directory, name: "export-\(UUID().uuidString.prefix(6))")
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout
    }

    func testRepublishedHistoryReingestedIntoASecondDatabaseExportsTheSame() throws {
        let copy = fixture.directory.file("copy.sqlite")
        // The fixture's history lies in 2027: re-ingested history is trusted, whatever its times.
        let bridge = try BridgeProcess.run(broker: broker.url, database: copy, directory: fixture.directory,
                                           name: "reingest", clientID: "reingest", extra: ["--max-timestamp-ahead", "off"])
        processes.append(bridge.child)
        let expected = try fixture.store.readingCount()
        XCTAssertEqual(expected, 40 * 2 + 25 * 2 + 30 * 4)

        let replay = try BridgeProcess.command(
            ["replay", "--db", fixture.database, "--devices", RepositoryPaths.devices, "--publish", broker.url, "--max"],
            directory: fixture.directory, name: "republish")
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertEqual(replay.stdout, "published \(expected) readings in \(40 + 25 + 30) messages to \(broker.url)\n")
        XCTAssertFalse(replay.stderr.contains("\r"), "no progress bar when standard error is not a terminal")

        try waitForStore(copy) { try $0.readingCount() >= expected }
        let original = try export(fixture.database)
        XCTAssertEqual(original.split(separator: "\n").count, expected + 1)
        XCTAssertEqual(try export(copy), original)
        XCTAssertEqual(try TelemetryStore(path: copy).deadLetterCount(), 0)
    }

    func testNormalizedSendsOneJSONPerReadingInEventTimeOrder() throws {
        let subscription = try MosquittoSubscription(broker.clientOptions(), topics: ["telemetry-bridge/replay/#"])
        defer { subscription.stop() }
        let replay = try BridgeProcess.command(
            ["replay", "--db", fixture.database, "--publish", broker.url, "--normalized", "--speed", "1000",
             "--device", "gh-*"],
            directory: fixture.directory, name: "normalized")
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let lines = try subscription.waitForLines(count: 130, timeout: .seconds(30))
        XCTAssertEqual(lines.count, 130)
        XCTAssertEqual(lines.first, """
            telemetry-bridge/replay/gh-01/humidity {"device":"gh-01","type":"climate-sensor","metric":"humidity",\
            "timestamp":\(ReplayFixture.base),"at":"2027-01-15T08:00:00Z","value":50,"labels":{"site":"north"}}
            """)
        let times = try lines.map { line -> Int64 in
            let payload = try XCTUnwrap(line.split(separator: " ", maxSplits: 1).last)
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
            return try XCTUnwrap(object["timestamp"] as? Int64)
        }
        XCTAssertEqual(times, times.sorted(), "event-time order across devices")
        XCTAssertEqual(Set(times).count, 40 + 0, "gh-02's times are a subset of gh-01's")
    }

    func testConflictingFlagsExitTwo() throws {
        for arguments in [["--speed", "2"], ["--publish", broker.url, "--max", "--speed", "2"],
                          ["--publish", broker.url, "--speed", "0"], ["--publish", broker.url, "--diff"]] {
            let result = try BridgeProcess.command(["replay", "--db", fixture.database] + arguments,
                                                   directory: fixture.directory, name: "flags")
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
        }
    }
}
