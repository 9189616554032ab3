@testable import MQTT
import XCTest

final class TopicAndBackoffTests: XCTestCase {
    func testAcceptsValidTopicNamesAndFilters() throws {
        try TopicValidator.validateTopicName("greenhouse/north/gh-07/climate")
        try TopicValidator.validateTopicName("ü/∑/space ok")
        for filter in ["#", "+", "a/+/c", "a/#", "+/+/#", "a//b"] {
            XCTAssertNoThrow(try TopicValidator.validateTopicFilter(filter), filter)
        }
    }

    func testRejectsWildcardsEmptyAndOversizedTopicNames() {
        for topic in ["a/+/b", "a/#", "", String(repeating: "x", count: 65536), "a\u{0}b"] {
            XCTAssertThrowsError(try TopicValidator.validateTopicName(topic)) { error in
                guard case MQTTError.invalidTopic = error else { return XCTFail("unexpected \(error)") }
            }
        }
    }

    func testPublishRejectsWildcardTopicWithClearError() throws {
        let client = MQTTClient(configuration: try MQTTConfiguration(url: "mqtt://127.0.0.1:1"), logger: testLogger())
        XCTAssertThrowsError(try client.publish(topic: "alerts/+/x", payload: [1], qos: 1, retain: false)) { error in
            XCTAssertEqual("\(error)", "invalid MQTT topic 'alerts/+/x': wildcards + and # are not allowed when publishing")
        }
    }

    func testPublishBeforeConnectFailsAsClosed() throws {
        let client = MQTTClient(configuration: try MQTTConfiguration(url: "mqtt://127.0.0.1:1"), logger: testLogger())
        XCTAssertThrowsError(try client.publish(topic: "a", payload: [], qos: 1, retain: false)) { error in
            XCTAssertEqual(error as? MQTTError, .closed)
        }
    }

    func testBackoffGrowsExponentiallyWithinCapAndJitter() {
        let backoff = ReconnectBackoff(minDelay: .milliseconds(500), maxDelay: .seconds(30))
        XCTAssertEqual(backoff.delay(attempt: 0, jitter: 0), .milliseconds(500))
        XCTAssertEqual(backoff.delay(attempt: 0, jitter: 1), .seconds(1))
        XCTAssertEqual(backoff.delay(attempt: 2, jitter: 1), .seconds(4))
        XCTAssertEqual(backoff.delay(attempt: 3, jitter: 0.5), .milliseconds(4250))
        XCTAssertEqual(backoff.delay(attempt: 20, jitter: 1), .seconds(30))
        XCTAssertEqual(backoff.delay(attempt: 1000, jitter: 1), .seconds(30))
        XCTAssertEqual(backoff.delay(attempt: 1000, jitter: 0), .milliseconds(500))
    }

    func testErrorDescriptionsAreOurOwn() {
        XCTAssertEqual(MQTTError.connackRefusal(code: 4, protocolVersion: .v311), .badCredentials)
        XCTAssertEqual(MQTTError.connackRefusal(code: 5, protocolVersion: .v311), .notAuthorized)
        XCTAssertEqual(MQTTError.connackRefusal(code: 0x86, protocolVersion: .v5), .badCredentials)
        XCTAssertEqual(MQTTError.connackRefusal(code: 0x87, protocolVersion: .v5), .notAuthorized)
        XCTAssertEqual("\(MQTTError.badCredentials)", "broker refused the connection: bad user name or password")
        XCTAssertEqual("\(MQTTError.connackRefusal(code: 0x8A, protocolVersion: .v5))", "broker refused the connection: banned (code 138)")
        XCTAssertEqual("\(MQTTError.library(operation: "publish", code: 19))", "publish failed: keepalive timeout (no answer from the broker)")
    }
}
