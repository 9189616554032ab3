import Foundation
import Storage
import Telemetry
import TestSupport
import XCTest

/// The command line as an operator meets it: exit codes, error wording, export output.
final class CommandLineTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "cli-test")
    }

    override func tearDownWithError() throws {
        directory.remove()
    }

    func testDevicesCheckAcceptsTheShippedCatalog() throws {
        let result = try BridgeProcess.command(["devices", "check", RepositoryPaths.devices],
                                               directory: directory, name: "check")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("4 device types"), result.stdout)
    }

    func testDevicesCheckPrintsFileLineColumnAndExitsTwo() throws {
        let devices = directory.file("devices")
        try FileManager.default.createDirectory(atPath: devices, withIntermediateDirectories: true)
        let file = devices + "/broken.yaml"
        try "type: broken\ntopic: sensors/{device}\nformat: xml\nmetrics:\n  t: { path: t }\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = try BridgeProcess.command(["devices", "check", devices], directory: directory, name: "check-bad")
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("\(file):3:9:"), result.stderr)
    }

    /// The shipped rules and their tests agree with the shipped catalog (not a test fixture of it).
    func testShippedRuleTestsPassAgainstTheShippedCatalog() throws {
        let rules = URL(fileURLWithPath: RepositoryPaths.devices).deletingLastPathComponent()
            .appendingPathComponent("Rules").path
        let check = try BridgeProcess.command(["rules", "check", rules, "--devices", RepositoryPaths.devices],
                                              directory: directory, name: "rules-check")
        XCTAssertEqual(check.status, 0, check.stderr)
        let test = try BridgeProcess.command(["rules", "test", rules, "--devices", RepositoryPaths.devices],
                                             directory: directory, name: "rules-test")
        XCTAssertEqual(test.status, 0, test.stdout + test.stderr)
        XCTAssertTrue(test.stdout.contains(" 0 failed"), test.stdout)
    }

    func testRulesCheckPointsAtTheTokenAndExitsTwo() throws {
        let rules = directory.file("rules")
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try "rules:\n  - alert: Hot\n    devices: climate-sensor\n    when: avg(temprature, 5m) > 30\n"
            .write(toFile: rules + "/hot.yaml", atomically: true, encoding: .utf8)
        let result = try BridgeProcess.command(["rules", "check", rules, "--devices", RepositoryPaths.devices],
                                               directory: directory, name: "rules-bad")
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("\(rules)/hot.yaml:4:15: unknown metric 'temprature'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("did you mean 'temperature'?"), result.stderr)
    }

    func testBadFlagValueExitsTwoAndNamesTheFlag() throws {
        let result = try BridgeProcess.command(
            ["run", "--batch-size", "zero", "--devices", RepositoryPaths.devices],
            directory: directory, name: "bad-flag")
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("invalid value 'zero' for batch-size (from --batch-size)"), result.stderr)
    }

    func testUnknownFlagExitsTwo() throws {
        let result = try BridgeProcess.command(["run", "--no-such-flag"], directory: directory, name: "unknown-flag")
        XCTAssertEqual(result.status, 2, result.stderr)
    }

    func testExportWritesCSVAndJSONLinesFiltered() throws {
        let database = directory.file("export.sqlite")
        let store = try TelemetryStore(path: database)
        let t0: Int64 = 1_795_428_900_000
        _ = try store.write(IngestBatch(
            devices: [Device(id: "gh-01", type: "climate-sensor", labels: ["site": "north"]),
                      Device(id: "th-1", type: "plain-value-sensor", labels: ["room": "kitchen"])],
            units: [SeriesKey(device: "gh-01", metric: "temperature"): "°C"],
            readings: [Reading(device: "gh-01", metric: "temperature", timestamp: t0, value: 21.5),
                       Reading(device: "gh-01", metric: "temperature", timestamp: t0 + 60_000, value: 22),
                       Reading(device: "th-1", metric: "co2", timestamp: t0, value: 612)],
            observedAt: t0))

        let csv = try BridgeProcess.command(
            ["export", "--db", database, "--device", "gh-*", "--from", "2026-11-23T10:15:00Z", "--to", "2026-11-23T10:16:00Z"],
            directory: directory, name: "export-csv")
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let csvLines = csv.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(csvLines.count, 2, csv.stdout)
        XCTAssertEqual(csvLines[0], "device,metric,timestamp,value,unit,labels")
        XCTAssertTrue(csvLines[1].hasPrefix("gh-01,temperature,2026-11-23T10:15:00.000Z,21.5,°C,"), csvLines[1])

        let jsonl = try BridgeProcess.command(["export", "--db", database, "--format", "jsonl", "--metric", "co2"],
                                              directory: directory, name: "export-jsonl")
        XCTAssertEqual(jsonl.status, 0, jsonl.stderr)
        let object = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(jsonl.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["device"] as? String, "th-1")
        XCTAssertEqual(object["value"] as? Double, 612)
        XCTAssertEqual(object["timestamp"] as? String, "2026-11-23T10:15:00.000Z")
        XCTAssertEqual(object["labels"] as? [String: String], ["room": "kitchen"])
    }

    func testStoreAndCatalogCommandsReadTheConfigurationAsRunDoes() throws {
        let database = directory.file("configured.sqlite")
        let store = try TelemetryStore(path: database)
        let t0: Int64 = 1_795_428_900_000
        _ = try store.write(IngestBatch(
            devices: [Device(id: "gh-01", type: "climate-sensor", labels: [:])],
            readings: [Reading(device: "gh-01", metric: "temperature", timestamp: t0, value: 21.5)], observedAt: t0))
        let rules = directory.file("configured-rules")
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try "rules:\n  - alert: Hot\n    devices: climate-sensor\n    when: temperature > 30\n"
            .write(toFile: rules + "/hot.yaml", atomically: true, encoding: .utf8)
        let config = directory.file("bridge-configured.yaml")
        try "db: \(database)\ndevices: \(RepositoryPaths.devices)\nrules: \(rules)\n"
            .write(toFile: config, atomically: true, encoding: .utf8)

        let export = try BridgeProcess.command(["export", "--config", config], directory: directory, name: "export-configured")
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stdout.contains("gh-01,temperature,2026-11-23T10:15:00.000Z,21.5"), export.stdout)
        let viaEnvironment = try BridgeProcess.command(["export", "--format", "jsonl"], directory: directory, name: "export-env",
                                                       environment: ["TELEMETRY_BRIDGE_DB": database])
        XCTAssertEqual(viaEnvironment.status, 0, viaEnvironment.stderr)
        XCTAssertTrue(viaEnvironment.stdout.contains(#""device":"gh-01""#), viaEnvironment.stdout)
        let deliveries = try BridgeProcess.command(["alerts", "deliveries", "--config", config], directory: directory, name: "alerts-configured")
        XCTAssertEqual(deliveries.status, 0, deliveries.stderr)
        let check = try BridgeProcess.command(["rules", "check", "--config", config], directory: directory, name: "rules-configured")
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertEqual(check.stdout, "\(rules): 1 rules OK\n")

        try "db: \(database)\nmax-payload: 3\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = try BridgeProcess.command(["deadletters", "replay", "--config", config], directory: directory, name: "replay-bad-config")
        XCTAssertEqual(bad.status, 2, bad.stdout + bad.stderr)
        XCTAssertTrue(bad.stderr.contains("max-payload"), bad.stderr)
    }

    func testExportAcceptsRelativeTimesAsOptionValues() throws {
        let database = directory.file("relative.sqlite")
        let store = try TelemetryStore(path: database)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try store.write(IngestBatch(
            devices: [Device(id: "gh-01", type: "climate-sensor")],
            readings: [Reading(device: "gh-01", metric: "temperature", timestamp: now - 120_000, value: 1),
                       Reading(device: "gh-01", metric: "temperature", timestamp: now - 30_000, value: 2)],
            observedAt: now))
        let result = try BridgeProcess.command(["export", "--db", database, "--from", "-1m", "--to", "now"],
                                               directory: directory, name: "export-relative")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 2, "header and the reading of the last minute")
        XCTAssertTrue(result.stdout.contains(",2,"), result.stdout)
    }

    func testExportRejectsABadTimeWithExitTwo() throws {
        let database = directory.file("empty.sqlite")
        _ = try TelemetryStore(path: database)
        let result = try BridgeProcess.command(["export", "--db", database, "--from", "yesterday"],
                                               directory: directory, name: "export-bad")
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("invalid --from 'yesterday'"), result.stderr)
    }
}
