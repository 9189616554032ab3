import MQTT
import TestSupport
import XCTest

final class ReconnectTests: XCTestCase {
    func testReconnectsAndResubscribesAfterBrokerRestart() throws {
        let broker = try MosquittoBroker()
        let collector = MessageCollector()
        let configuration = try testConfiguration(broker)
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        try client.connect(subscriptions: [MQTTSubscription("r/#", qos: 1)]) { collector.append($0) }
        defer { client.disconnect() }

        try broker.stop()
        XCTAssertTrue(waitUntil(timeout: .seconds(5)) { !client.status.connected })
        try broker.start()
        // Published as soon as the broker is back, most likely before we reconnected:
        // the persistent session queues them for us.
        try MosquittoClients.publish(broker.clientOptions(), topic: "r/a", payload: .lines(["1", "2", "3"]), qos: 1)

        XCTAssertEqual(collector.wait(count: 3).map { text($0.payload) }, ["1", "2", "3"], broker.log())
        XCTAssertTrue(waitUntil(timeout: .seconds(5)) { client.status.connected })
        XCTAssertGreaterThanOrEqual(client.status.reconnects, 1)

        try MosquittoClients.publish(broker.clientOptions(), topic: "r/b", payload: .text("after"), qos: 1)
        XCTAssertEqual(collector.wait(count: 4).last.map { text($0.payload) }, "after")

        let statusTopic = try XCTUnwrap(configuration.statusTopic)
        let status = try MosquittoSubscription(broker.clientOptions(), topics: [statusTopic], format: "%p")
        XCTAssertEqual(try status.waitForLines(count: 1, timeout: .seconds(5)), ["online"])
    }

    func testPublishesQueuedWhileBrokerIsDownAreSentAfterReconnect() throws {
        let broker = try MosquittoBroker()
        let client = MQTTClient(configuration: try testConfiguration(broker), logger: testLogger())
        try client.connect(subscriptions: []) { _ in }
        defer { client.disconnect() }
        // A persistent mosquitto_sub session keeps collecting while the broker restarts.
        var options = broker.clientOptions()
        options.clientID = "collector-\(UInt32.random(in: 0...UInt32.max))"
        let subscription = try MosquittoSubscription(options, topics: ["queued/#"], qos: 1, format: "%p", extraArguments: ["-c"])

        try broker.stop()
        XCTAssertTrue(waitUntil(timeout: .seconds(5)) { !client.status.connected })
        try client.publish(topic: "queued/a", payload: Array("while-down".utf8), qos: 1, retain: false)
        XCTAssertThrowsError(try client.publish(topic: "queued/a", payload: [0], qos: 0, retain: false)) { error in
            XCTAssertEqual(error as? MQTTError, .notConnected)
        }
        try broker.start()
        try client.flush(timeout: .seconds(10))
        XCTAssertEqual(try subscription.waitForLines(count: 1, timeout: .seconds(10)), ["while-down"])
    }

    func testPersistentSessionKeepsMessagesWhileClientIsAway() throws {
        let broker = try MosquittoBroker()
        let configuration = try testConfiguration(broker)
        let first = MQTTClient(configuration: configuration, logger: testLogger())
        try first.connect(subscriptions: [MQTTSubscription("away/#", qos: 1)]) { _ in }
        first.disconnect()

        try MosquittoClients.publish(broker.clientOptions(), topic: "away/a", payload: .lines(["x", "y", "z"]), qos: 1)

        let collector = MessageCollector()
        let second = MQTTClient(configuration: configuration, logger: testLogger())
        // No subscriptions this time: the session remembers them.
        try second.connect(subscriptions: []) { collector.append($0) }
        defer { second.disconnect() }
        XCTAssertEqual(collector.wait(count: 3).map { text($0.payload) }, ["x", "y", "z"])
    }
}
