import MQTT
import TestSupport
import XCTest

final class ReceiveTests: XCTestCase {
    func testReceivesExactTopicsAndPayloadsIncludingBinaryAndEmpty() throws {
        let broker = try MosquittoBroker()
        let collector = MessageCollector()
        let client = MQTTClient(configuration: try testConfiguration(broker), logger: testLogger())
        try client.connect(subscriptions: [MQTTSubscription("sensors/#", qos: 1)]) { collector.append($0) }
        defer { client.disconnect() }

        let binary = (0...255).map { UInt8($0) } + [0, 0, 255]
        let options = broker.clientOptions()
        try MosquittoClients.publish(options, topic: "sensors/gh-1/raw", payload: .bytes(binary), qos: 1)
        try MosquittoClients.publish(options, topic: "sensors/gh-1/empty", payload: .empty, qos: 1)
        try MosquittoClients.publish(options, topic: "sensors/grün/text", payload: .text("21.5 °C"), qos: 0)

        let messages = collector.wait(count: 3)
        XCTAssertEqual(messages.map(\.topic), ["sensors/gh-1/raw", "sensors/gh-1/empty", "sensors/grün/text"])
        XCTAssertEqual(messages.map(\.payload), [binary, [], Array("21.5 °C".utf8)])
        XCTAssertEqual(messages.map(\.qos), [1, 1, 0])
        XCTAssertEqual(messages.map(\.retain), [false, false, false])
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        XCTAssertTrue(messages.allSatisfy { abs($0.receivedAt - now) < 60_000 })
        XCTAssertEqual(client.status.messagesReceived, 3)
        XCTAssertTrue(client.status.connected)
    }

    func testDeliversRetainedMessageOnSubscribe() throws {
        let broker = try MosquittoBroker()
        try MosquittoClients.publish(broker.clientOptions(), topic: "config/gh-1", payload: .text("v2"), qos: 1, retain: true)
        let collector = MessageCollector()
        let client = MQTTClient(configuration: try testConfiguration(broker), logger: testLogger())
        try client.connect(subscriptions: [MQTTSubscription("config/+", qos: 1)]) { collector.append($0) }
        defer { client.disconnect() }

        let messages = collector.wait(count: 1)
        XCTAssertEqual(messages.first?.topic, "config/gh-1")
        XCTAssertEqual(messages.first.map { text($0.payload) }, "v2")
        XCTAssertEqual(messages.first?.retain, true)
    }

    func testBatchesRespectMaxBatchAndKeepOrder() throws {
        let broker = try MosquittoBroker()
        var configuration = try testConfiguration(broker)
        configuration.maxBatch = 50
        let collector = MessageCollector()
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        try client.connect(subscriptions: [MQTTSubscription("load/#", qos: 1)]) { collector.append($0) }
        defer { client.disconnect() }

        let lines = (0..<2000).map { "reading-\($0)" }
        try MosquittoClients.publish(broker.clientOptions(), topic: "load/x", payload: .lines(lines), qos: 1)

        let messages = collector.wait(count: lines.count, timeout: .seconds(20))
        XCTAssertEqual(messages.map { text($0.payload) }, lines)
        XCTAssertTrue(collector.batches.allSatisfy { $0 <= 50 }, "\(collector.batches.max() ?? 0)")
        XCTAssertGreaterThan(collector.batches.max() ?? 0, 1, "expected some batching under load")
    }

    func testSubscribesWithMQTT311() throws {
        let broker = try MosquittoBroker()
        var configuration = try testConfiguration(broker)
        configuration.protocolVersion = .v311
        let collector = MessageCollector()
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        try client.connect(subscriptions: [MQTTSubscription("v3/#", qos: 1)]) { collector.append($0) }
        defer { client.disconnect() }

        try MosquittoClients.publish(broker.clientOptions(), topic: "v3/a", payload: .text("hello"), qos: 1)
        XCTAssertEqual(collector.wait(count: 1).map { text($0.payload) }, ["hello"])
    }
}
