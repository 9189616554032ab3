import Foundation
@testable import MQTT
import TestSupport
import XCTest

final class MQTTConfigurationTests: XCTestCase {
    func testParsesPlainURLWithDefaultPort() throws {
        let configuration = try MQTTConfiguration(url: "mqtt://broker.example")
        XCTAssertEqual(configuration.host, "broker.example")
        XCTAssertEqual(configuration.port, 1883)
        XCTAssertNil(configuration.tls)
        XCTAssertNil(configuration.username)
        XCTAssertNil(configuration.password)
    }

    func testParsesTLSURLWithDefaultPort() throws {
        let configuration = try MQTTConfiguration(url: "mqtts://broker.example/")
        XCTAssertEqual(configuration.port, 8883)
        XCTAssertEqual(configuration.tls, MQTTTLS())
        XCTAssertEqual(configuration.tls?.insecure, false)
    }

    func testParsesUserNameAndPort() throws {
        let configuration = try MQTTConfiguration(url: "mqtt://alice@10.1.2.3:1884")
        XCTAssertEqual(configuration.username, "alice")
        XCTAssertNil(configuration.password)
        XCTAssertEqual(configuration.host, "10.1.2.3")
        XCTAssertEqual(configuration.port, 1884)
    }

    func testParsesPercentEncodedPasswordFromURL() throws {
        let configuration = try MQTTConfiguration(url: "mqtts://bob:s3cr%40t@broker:9999")
        XCTAssertEqual(configuration.username, "bob")
        XCTAssertEqual(configuration.password, "s3cr@t")
        XCTAssertEqual(configuration.port, 9999)
    }

    func testParsesBracketedIPv6Host() throws {
        let configuration = try MQTTConfiguration(url: "mqtt://[::1]:1999")
        XCTAssertEqual(configuration.host, "::1")
        XCTAssertEqual(configuration.port, 1999)
        XCTAssertTrue(configuration.description.contains("[::1]:1999"))
    }

    func testRejectsMalformedURLs() {
        for url in ["http://broker", "broker:1883", "mqtt://", "mqtt://broker:0", "mqtt://broker:70000",
                    "mqtt://broker:port", "mqtt://broker/topic", "mqtt://@broker", "mqtt://[::1"] {
            XCTAssertThrowsError(try MQTTConfiguration(url: url), url) { error in
                guard case MQTTError.invalidURL(let reported, _) = error else {
                    return XCTFail("\(url): unexpected \(error)")
                }
                XCTAssertEqual(reported, url)
            }
        }
    }

    func testDefaultsMatchTheDesign() throws {
        let configuration = try MQTTConfiguration(url: "mqtt://broker")
        XCTAssertTrue(configuration.clientID.hasPrefix("telemetry-bridge-"))
        XCTAssertEqual(configuration.protocolVersion, .v5)
        XCTAssertEqual(configuration.keepAlive, 30)
        XCTAssertFalse(configuration.cleanSession)
        XCTAssertEqual(configuration.sessionExpiry, 7 * 24 * 3600)
        XCTAssertEqual(configuration.receiveMaximum, 20_000)
        XCTAssertEqual(configuration.maxBatch, 1000)
        XCTAssertEqual(configuration.maxBatchDelay, .milliseconds(50))
        XCTAssertEqual(configuration.connectTimeout, .seconds(10))
        XCTAssertEqual(configuration.reconnectMinDelay, .milliseconds(500))
        XCTAssertEqual(configuration.reconnectMaxDelay, .seconds(30))
        XCTAssertEqual(configuration.maxOutstandingPublishes, 10_000)
    }

    func testStatusTopicFollowsClientIDUntilSetExplicitly() throws {
        var configuration = try MQTTConfiguration(url: "mqtt://broker")
        configuration.clientID = "bridge-1"
        XCTAssertEqual(configuration.statusTopic, "telemetry-bridge/bridge-1/status")
        configuration.statusTopic = "custom/status"
        configuration.clientID = "bridge-2"
        XCTAssertEqual(configuration.statusTopic, "custom/status")
        configuration.statusTopic = nil
        XCTAssertNil(configuration.statusTopic)
    }

    func testDescriptionRedactsPassword() throws {
        var configuration = try MQTTConfiguration(url: "mqtts://alice:hunter2@broker")
        XCTAssertFalse(configuration.description.contains("hunter2"))
        XCTAssertTrue(configuration.description.contains("alice:***@broker:8883"), configuration.description)
        configuration.username = nil
        configuration.password = "hunter2"
        XCTAssertFalse(configuration.description.contains("hunter2"))
        XCTAssertFalse("\(configuration)".contains("hunter2"))
    }

    func testReadsPasswordFileWithoutTrailingNewline() throws {
        let directory = try TemporaryDirectory()
        let cases: [(String, String)] = [("secret\n", "secret"), ("secret", "secret"), ("secret\r\n", "secret"),
                                         ("two words \n\n", "two words \n"), ("", "")]
        for (index, (content, expected)) in cases.enumerated() {
            let path = directory.file("password-\(index)")
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertEqual(try MQTTConfiguration.readPassword(file: path), expected, content.debugDescription)
        }
    }

    func testMissingPasswordFileIsReported() {
        XCTAssertThrowsError(try MQTTConfiguration.readPassword(file: "/nonexistent/password")) { error in
            guard case MQTTError.passwordFile(let path, _) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(path, "/nonexistent/password")
            XCTAssertTrue("\(error)".contains("/nonexistent/password"))
        }
    }

    func testConnectRejectsInvalidSettingsBeforeTouchingTheNetwork() throws {
        var configuration = try MQTTConfiguration(url: "mqtt://127.0.0.1:1")
        configuration.keepAlive = 2
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        XCTAssertThrowsError(try client.connect(subscriptions: []) { _ in }) { error in
            guard case MQTTError.invalidConfiguration = error else { return XCTFail("unexpected \(error)") }
        }
    }

    func testConnectRejectsInvalidSubscriptionFilters() throws {
        let configuration = try MQTTConfiguration(url: "mqtt://127.0.0.1:1")
        for filter in ["a/b#", "a+/b", "#/a", ""] {
            let client = MQTTClient(configuration: configuration, logger: testLogger())
            XCTAssertThrowsError(try client.connect(subscriptions: [MQTTSubscription(filter)]) { _ in }, filter) { error in
                guard case MQTTError.invalidTopic = error else { return XCTFail("\(filter): unexpected \(error)") }
            }
        }
    }
}
