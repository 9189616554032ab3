import Delivery
import Foundation
@testable import Replay
import XCTest

@testable import Bridge

/// Alert sinks from flags, environment and `bridge.yaml`, and the errors that name what to fix.
final class DeliveryConfigurationTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("delivery-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ text: String, name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func resolve(flags: [String: String] = [:], environment: [String: String] = [:], file: String? = nil)
        throws -> BridgeConfiguration
    {
        try resolveConfiguration(flags: flags, environment: environment, file: file)
    }

    private func error(flags: [String: String] = [:], environment: [String: String] = [:], file: String? = nil) -> String {
        do {
            _ = try resolve(flags: flags, environment: environment, file: file)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testSinksComeFromRepeatedFlagsTheEnvironmentOrTheFilesLists() throws {
        let secret = try write("k3y\n", name: "hook.key")
        let file = try write("""
            alertmanager:
              - http://am1:9093
              - http://am2:9093/prefix
            webhooks:
              - https://hooks.example.com/a?token=x
              - url: http://pager.local/in
                name: pager
                secret-file: \(secret)
                headers:
                  Authorization: Bearer t
                  X-Team: growers
            """, name: "bridge.yaml")
        let fromFile = try resolve(file: file)
        XCTAssertEqual(fromFile.alertmanagers.map(\.name), ["alertmanager:http://am1:9093", "alertmanager:http://am2:9093/prefix"])
        XCTAssertEqual(fromFile.alertmanagers[1].alertsEndpoint.absoluteString, "http://am2:9093/prefix/api/v2/alerts")
        XCTAssertEqual(fromFile.webhooks.map(\.name), ["webhook:https://hooks.example.com/a", "pager"])
        XCTAssertNil(fromFile.webhooks[0].secret)
        XCTAssertEqual(fromFile.webhooks[1].secret, Array("k3y".utf8))
        XCTAssertEqual(fromFile.webhooks[1].headers, [.init(name: "Authorization", value: "Bearer t"), .init(name: "X-Team", value: "growers")])

        let fromFlags = try resolve(flags: ["webhook": "http://a/1\nhttp://b/2", "webhook-secret-file": secret], file: file)
        XCTAssertEqual(fromFlags.webhooks.map(\.url.absoluteString), ["http://a/1", "http://b/2"], "flags replace the file's list")
        XCTAssertEqual(fromFlags.webhooks.map(\.secret), [Array("k3y".utf8), Array("k3y".utf8)])
        XCTAssertEqual(fromFlags.alertmanagers.count, 2)

        let fromEnvironment = try resolve(environment: ["TELEMETRY_BRIDGE_ALERTMANAGER": "http://x:9093, http://y:9093"])
        XCTAssertEqual(fromEnvironment.alertmanagers.map(\.url.absoluteString), ["http://x:9093", "http://y:9093"])
        XCTAssertEqual(fromEnvironment.externalURL, "http://127.0.0.1:8080", "generator links default to the dashboard's address")
    }

    func testABadURLIsAnErrorNamingTheSettingWithoutShowingASecret() {
        XCTAssertEqual(error(flags: ["alertmanager": "am:9093"]),
                       "invalid value 'am:9093' for alertmanager[0] (from --alertmanager): expected an http:// or https:// URL with a host, such as http://127.0.0.1:9093")
        XCTAssertEqual(error(environment: ["TELEMETRY_BRIDGE_WEBHOOK": "http://ok/1,ftp://files/x"]),
                       "invalid value 'ftp://files/x' for webhooks[1] (from environment variable TELEMETRY_BRIDGE_WEBHOOK): expected an http:// or https:// URL with a host, such as http://127.0.0.1:9093")
        let withCredentials = error(flags: ["webhook": "gopher://user:pa55word@host/x?token=s3cret"])
        XCTAssertTrue(withCredentials.hasPrefix("invalid value 'gopher://host/x' for webhooks[0]"), withCredentials)
    }

    func testFileMistakesArePlacedAtTheirLineAndColumn() throws {
        let typo = try write("webhooks:\n  - url: http://x/\n    secret: /etc/key\n", name: "typo.yaml")
        XCTAssertEqual(error(file: typo), "\(typo):3:5: unknown setting 'webhooks.secret' (did you mean 'webhooks.secret-file'?)")
        let missing = try write("webhooks:\n  - url: http://x/\n    secret-file: /nonexistent/key\n", name: "missing.yaml")
        XCTAssertEqual(error(file: missing),
                       "\(missing):3:18: invalid value '/nonexistent/key' for 'webhooks[0].secret-file': expected a path to an existing file")
        let badURL = try write("alertmanager:\n  - http://ok:9093\n  - localhost:9093\n", name: "url.yaml")
        XCTAssertEqual(error(file: badURL),
                       "\(badURL):3:5: invalid value 'localhost:9093' for 'alertmanager[1]': expected an http:// or https:// URL with a host, such as http://127.0.0.1:9093")
        let badHeader = try write("webhooks:\n  - url: http://x/\n    headers:\n      \"Bad Name\": v\n", name: "header.yaml")
        XCTAssertTrue(error(file: badHeader).hasPrefix("\(badHeader):4:7: invalid value 'Bad Name' for 'webhooks[0].headers'"),
                      error(file: badHeader))
        XCTAssertEqual(error(flags: ["webhook-secret-file": directory.appendingPathComponent("none").path]),
                       "invalid value '\(directory.appendingPathComponent("none").path)' for webhook-secret-file (from --webhook-secret-file): expected a path to an existing file")
    }

    func testAlertsCanBeKeptOffMQTT() throws {
        XCTAssertTrue(try resolve().publishAlerts)
        XCTAssertFalse(try resolve(flags: ["alert-topic": "off"]).publishAlerts)
        XCTAssertTrue(error(flags: ["alert-topic": "alerts/{alert}"]).contains("contains {alert} and {device}"))
    }

    func testTheSameSinkTwiceIsRefused() {
        XCTAssertTrue(error(flags: ["webhook": "http://a/1\nhttp://a/1?other=query"]).contains("each sink once"))
    }
}
