import Foundation
import XCTest

@testable import Bridge

final class ConfigurationPrecedenceTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func writeFile(_ text: String, name: String = "bridge.yaml") throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func resolve(flags: [String: String] = [:], environment: [String: String] = [:], file: String? = nil)
        throws -> BridgeConfiguration
    {
        let fileValues = try file.map {
            try ConfigurationValues.loadFile(path: $0, knownSettings: BridgeConfiguration.settingNames)
        } ?? [:]
        return try BridgeConfiguration.resolve(
            ConfigurationValues(flags: flags, environment: environment, file: fileValues), environment: environment)
    }

    func testDefaultsApplyWhenNothingIsGiven() throws {
        let config = try resolve()
        XCTAssertEqual(config.broker, "mqtt://127.0.0.1:1883")
        XCTAssertEqual(config.database, "./telemetry.sqlite")
        XCTAssertEqual(config.devices, "./Devices")
        XCTAssertEqual(config.batchSize, 1000)
        XCTAssertEqual(config.batchDelay, 50)
        XCTAssertEqual(config.qos, 1)
        XCTAssertNil(config.password)
    }

    func testFlagBeatsEnvironmentBeatsFileBeatsDefault() throws {
        let file = try writeFile("batch-size: 10\nbatch-delay: 20ms\nqos: 0\ndb: file.sqlite\n")
        let environment = ["TELEMETRY_BRIDGE_BATCH_SIZE": "20", "TELEMETRY_BRIDGE_BATCH_DELAY": "2s"]
        let config = try resolve(flags: ["batch-size": "30"], environment: environment, file: file)
        XCTAssertEqual(config.batchSize, 30, "flag wins")
        XCTAssertEqual(config.batchDelay, 2000, "environment beats file")
        XCTAssertEqual(config.qos, 0, "file beats default")
        XCTAssertEqual(config.database, "file.sqlite")
    }

    func testEnvironmentNamesAreDerivedFromSettingNames() {
        XCTAssertEqual(ConfigurationValues.environmentName(for: "batch-size"), "TELEMETRY_BRIDGE_BATCH_SIZE")
        XCTAssertEqual(ConfigurationValues.environmentName(for: "broker"), "TELEMETRY_BRIDGE_BROKER")
    }

    func testBadFlagValueNamesTheFlagAndWhatWouldWork() {
        XCTAssertThrowsError(try resolve(flags: ["batch-size": "lots"])) { error in
            XCTAssertEqual(
                "\(error)",
                "invalid value 'lots' for batch-size (from --batch-size): expected a whole number from 1 to 100000")
        }
    }

    func testBadEnvironmentValueNamesTheVariable() {
        XCTAssertThrowsError(try resolve(environment: ["TELEMETRY_BRIDGE_QOS": "3"])) { error in
            XCTAssertEqual(
                "\(error)",
                "invalid value '3' for qos (from environment variable TELEMETRY_BRIDGE_QOS): expected a whole number from 0 to 2")
        }
    }

    func testBadFileValueNamesFileLineAndColumn() throws {
        let file = try writeFile("broker: mqtt://localhost:1883\ndurability:   sometimes\n")
        XCTAssertThrowsError(try resolve(file: file)) { error in
            XCTAssertEqual(
                "\(error)",
                "\(file):2:15: invalid value 'sometimes' for 'durability': expected one of normal, full")
        }
    }

    func testUnknownFileKeyIsAnErrorWithSuggestion() throws {
        let file = try writeFile("broker: mqtt://localhost:1883\nbatch-sise: 10\n")
        XCTAssertThrowsError(try resolve(file: file)) { error in
            XCTAssertEqual("\(error)", "\(file):2:1: unknown setting 'batch-sise' (did you mean 'batch-size'?)")
        }
    }

    func testBrokerMustBeAnMQTTURL() {
        XCTAssertThrowsError(try resolve(flags: ["broker": "http://localhost"])) { error in
            XCTAssertTrue("\(error)".contains("--broker"), "\(error)")
        }
    }

    func testPasswordComesFromFileOrEnvironmentAndIsTrimmed() throws {
        let passwordFile = try writeFile("s3cret\n", name: "password")
        XCTAssertEqual(try resolve(flags: ["password-file": passwordFile]).password, "s3cret")
        XCTAssertEqual(try resolve(environment: ["TELEMETRY_BRIDGE_PASSWORD": "from-env"]).password, "from-env")
    }

    func testMissingPasswordFileIsAnError() {
        XCTAssertThrowsError(try resolve(flags: ["password-file": "/nonexistent/password"])) { error in
            XCTAssertTrue("\(error)".contains("password-file"), "\(error)")
        }
    }

    func testDurationsAcceptUnitsAndBareMilliseconds() throws {
        XCTAssertEqual(try resolve(flags: ["batch-delay": "250"]).batchDelay, 250)
        XCTAssertEqual(try resolve(flags: ["summary-interval": "1m"]).summaryInterval, 60_000)
        XCTAssertThrowsError(try resolve(flags: ["batch-delay": "soon"]))
    }

    func testRetentionTakesDurationsOrForever() throws {
        let config = try resolve(flags: ["retention-raw": "30d", "retention-1m": "52w", "retention-1h": "forever"])
        XCTAssertEqual(config.retentionRaw, 30 * 86_400_000)
        XCTAssertEqual(config.retentionMinute, 52 * 7 * 86_400_000)
        XCTAssertNil(config.retentionHour)
        XCTAssertNil(try resolve().retentionRaw, "kept forever by default")
        XCTAssertThrowsError(try resolve(flags: ["retention-raw": "a while"])) { error in
            XCTAssertEqual("\(error)", "invalid value 'a while' for retention-raw (from --retention-raw): "
                           + "expected a duration such as 30d or 52w, or forever")
        }
    }

    func testTimeArgumentsAcceptISOEpochAndRelative() throws {
        let now: Int64 = 1_795_000_000_000
        XCTAssertEqual(try TimeArgument.parse("now", option: "to", now: now), now)
        XCTAssertEqual(try TimeArgument.parse("-24h", option: "from", now: now), now - 86_400_000)
        XCTAssertEqual(try TimeArgument.parse("2026-11-23T10:15:00Z", option: "from", now: now), 1_795_428_900_000)
        XCTAssertEqual(try TimeArgument.parse("1795428900000", option: "from", now: now), 1_795_428_900_000)
        XCTAssertThrowsError(try TimeArgument.parse("yesterday", option: "from", now: now)) { error in
            XCTAssertTrue("\(error)".hasPrefix("invalid --from 'yesterday'"), "\(error)")
        }
    }
}
