import MQTT
import TestSupport
import XCTest

final class StatusTopicTests: XCTestCase {
    func testAnnouncesOnlineAfterConnectAndOfflineAfterDisconnect() throws {
        let broker = try MosquittoBroker()
        let configuration = try testConfiguration(broker)
        let statusTopic = try XCTUnwrap(configuration.statusTopic)
        XCTAssertEqual(statusTopic, "telemetry-bridge/\(configuration.clientID)/status")
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        try client.connect(subscriptions: []) { _ in }

        let subscription = try MosquittoSubscription(broker.clientOptions(), topics: [statusTopic], format: "%r %p")
        XCTAssertEqual(try subscription.waitForLines(count: 1, timeout: .seconds(5)), ["1 online"])

        client.disconnect()
        client.disconnect()  // idempotent
        XCTAssertEqual(try subscription.waitForLines(count: 2, timeout: .seconds(5)), ["1 online", "0 offline"])
        XCTAssertFalse(client.status.connected)

        let late = try MosquittoSubscription(broker.clientOptions(), topics: [statusTopic], format: "%r %p")
        XCTAssertEqual(try late.waitForLines(count: 1, timeout: .seconds(5)), ["1 offline"])
    }

    func testBrokerPublishesWillWhenConnectionDropsWithoutDisconnect() throws {
        let broker = try MosquittoBroker()
        let configuration = try testConfiguration(broker)
        let statusTopic = try XCTUnwrap(configuration.statusTopic)
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        let failures = Counter()
        // A throwing handler drops the TCP connection without DISCONNECT: the broker must send the will.
        try client.connect(subscriptions: [MQTTSubscription("trigger", qos: 1)]) { _ in
            if failures.increment() == 1 { throw TestSupportError("simulated crash") }
        }
        defer { client.disconnect() }
        let subscription = try MosquittoSubscription(broker.clientOptions(), topics: [statusTopic], format: "%p")
        XCTAssertEqual(try subscription.waitForLines(count: 1, timeout: .seconds(5)), ["online"])

        try MosquittoClients.publish(broker.clientOptions(), topic: "trigger", payload: .text("x"), qos: 1)
        XCTAssertEqual(try subscription.waitForLines(count: 3, timeout: .seconds(10)), ["online", "offline", "online"])
    }

    func testNoStatusMessagesWhenStatusTopicDisabled() throws {
        let broker = try MosquittoBroker()
        var configuration = try testConfiguration(broker)
        configuration.statusTopic = nil
        let watcher = try MosquittoSubscription(broker.clientOptions(), topics: ["telemetry-bridge/#"], format: "%t %p")
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        try client.connect(subscriptions: []) { _ in }
        try client.publish(topic: "marker", payload: [1], qos: 1, retain: false)
        client.disconnect()
        // The marker goes through the same broker after any status message would have.
        try MosquittoClients.publish(broker.clientOptions(), topic: "telemetry-bridge/end", payload: .text("end"), qos: 1)
        XCTAssertEqual(try watcher.waitForLines(count: 1, timeout: .seconds(5)), ["telemetry-bridge/end end"])
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { value += 1; return value } }
    var current: Int { lock.withLock { value } }
}
