import Foundation
@testable import Replay
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
        try resolveConfiguration(flags: flags, environment: environment, file: file)
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

    func testTimeArgumentsOutsideTheCalendarAreRefusedNotTrapped() {
        let now: Int64 = 1_795_000_000_000
        for text in ["\(Int64.min)", "\(Int64.max)", "-99999999999999w", "-106751991167d", "10000-01-01T00:00:00Z"] {
            XCTAssertThrowsError(try TimeArgument.parse(text, option: "from", now: now), text) { error in
                XCTAssertTrue("\(error)".hasPrefix("invalid --from '\(text)'"), "\(error)")
            }
        }
        XCTAssertEqual(try TimeArgument.parse("0000-01-01T00:00:00Z", option: "from", now: now), -62_167_219_200_000)
    }

    func testHTTPLimitsAndCredentials() throws {
        let token = try writeFile("t0ken\nignored\n", name: "token")
        let password = try writeFile("pa55\n", name: "http-password")
        let config = try resolve(flags: [
            "http-max-connections": "100", "http-max-streams": "3", "http-idle-timeout": "5s", "http-request-timeout": "2s", "http-token-file": token,
            "http-username": "ops", "http-password-file": password, "http-allow-origin": "https://grafana.example.com",
        ])
        XCTAssertEqual(config.httpMaxConnections, 100)
        XCTAssertEqual(config.httpMaxStreams, 3)
        XCTAssertEqual(config.httpIdleTimeout, 5_000)
        XCTAssertEqual(config.httpRequestTimeout, 2_000)
        XCTAssertEqual(config.httpToken, "t0ken")
        XCTAssertEqual(config.httpUsername, "ops")
        XCTAssertEqual(config.httpPassword, "pa55")
        XCTAssertEqual(config.httpAllowOrigin, "https://grafana.example.com")
        let defaults = try resolve()
        XCTAssertNil(defaults.httpToken)
        XCTAssertNil(defaults.httpAllowOrigin)
        XCTAssertEqual(defaults.httpMaxConnections, 512)
    }

    func testBadHTTPSettingsNameTheSetting() throws {
        let empty = try writeFile("\n", name: "empty-token")
        let cases: [([String: String], String)] = [
            (["http-max-connections": "0"], "invalid value '0' for http-max-connections (from --http-max-connections): expected a whole number from 1 to 1000000"),
            (["http-idle-timeout": "1ms"], "invalid value '1ms' for http-idle-timeout (from --http-idle-timeout): expected a duration of at least 100ms, such as 30s"),
            (["http-allow-origin": "grafana.example.com"], "invalid value 'grafana.example.com' for http-allow-origin (from --http-allow-origin): expected an origin such as https://grafana.example.com (scheme, host, optional port)"),
            (["http-allow-origin": "https://grafana.example.com/path"], "invalid value 'https://grafana.example.com/path' for http-allow-origin (from --http-allow-origin): expected an origin such as https://grafana.example.com (scheme, host, optional port)"),
            (["http-username": "ops"], "invalid value 'ops' for http-username (from --http-username): expected http-username and http-password-file together"),
            (["http-token-file": "/nonexistent/token"], "invalid value '/nonexistent/token' for http-token-file (from --http-token-file): expected a path to an existing file"),
        ]
        for (flags, expected) in cases {
            XCTAssertThrowsError(try resolve(flags: flags)) { error in XCTAssertEqual("\(error)", expected) }
        }
        XCTAssertThrowsError(try resolve(flags: ["http-token-file": empty])) { error in
            XCTAssertTrue("\(error)".contains("the http-token-file file is empty"), "\(error)")
            XCTAssertFalse("\(error)".contains("t0ken"))
        }
    }

    func testIngestLimits() throws {
        let defaults = try resolve()
        XCTAssertEqual(defaults.maxDevices, 100_000)
        XCTAssertEqual(defaults.maxTimestampAhead, 86_400_000)
        XCTAssertEqual(defaults.maxTimestampAge, 3_650 * 86_400_000)
        XCTAssertEqual(defaults.deviceStateRetention, 7 * 86_400_000)
        let set = try resolve(flags: ["max-devices": "unlimited", "max-timestamp-age": "off", "max-timestamp-ahead": "5m",
                                      "device-state-retention": "off"])
        XCTAssertNil(set.maxDevices)
        XCTAssertNil(set.maxTimestampAge)
        XCTAssertEqual(set.maxTimestampAhead, 300_000)
        XCTAssertNil(set.deviceStateRetention)
        XCTAssertThrowsError(try resolve(flags: ["max-devices": "-1"])) { error in
            XCTAssertEqual("\(error)", "invalid value '-1' for max-devices (from --max-devices): expected a whole number from 1 to 100000000, or unlimited")
        }
        XCTAssertThrowsError(try resolve(flags: ["max-timestamp-ahead": "soon"])) { error in
            XCTAssertEqual("\(error)", "invalid value 'soon' for max-timestamp-ahead (from --max-timestamp-ahead): expected a duration such as 1d or 52w, or off")
        }
    }
}
