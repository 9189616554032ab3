import Foundation
import MQTT
import TestSupport
import XCTest

/// Acknowledge after the handler returns: a message whose handler threw (ingest could not
/// commit) is redelivered by the broker.
final class AcknowledgementTests: XCTestCase {
    func testMessageIsRedeliveredWhenHandlerThrows() throws {
        let broker = try MosquittoBroker()
        let collector = MessageCollector()
        let attempts = Counter()
        let client = MQTTClient(configuration: try testConfiguration(broker), logger: testLogger())
        try client.connect(subscriptions: [MQTTSubscription("ack/#", qos: 1)]) { batch in
            collector.append(batch)
            if attempts.increment() == 1 { throw TestSupportError("database is locked") }
        }
        defer { client.disconnect() }

        try MosquittoClients.publish(broker.clientOptions(), topic: "ack/a", payload: .text("m1"), qos: 1)
        let messages = collector.wait { $0.count >= 2 }
        XCTAssertEqual(messages.map { text($0.payload) }, ["m1", "m1"])
        XCTAssertEqual(client.status.reconnects, 1)
        guard case .handlerFailed(let reason) = client.status.lastError else {
            return XCTFail("lastError: \(String(describing: client.status.lastError))")
        }
        XCTAssertTrue(reason.contains("database is locked"))

        // Once handled, it is acknowledged: a later message arrives and m1 does not come back.
        try MosquittoClients.publish(broker.clientOptions(), topic: "ack/a", payload: .text("m2"), qos: 1)
        XCTAssertEqual(collector.wait { $0.count >= 3 }.map { text($0.payload) }, ["m1", "m1", "m2"])
    }

    func testMessageIsNotAcknowledgedBeforeHandlerReturns() throws {
        let broker = try MosquittoBroker()
        let collector = MessageCollector()
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let attempts = Counter()
        let client = MQTTClient(configuration: try testConfiguration(broker), logger: testLogger())
        try client.connect(subscriptions: [MQTTSubscription("slow/#", qos: 1)]) { batch in
            collector.append(batch)
            if attempts.increment() == 1 {
                entered.signal()
                _ = release.wait(timeout: .now() + 20)
            }
        }
        defer { client.disconnect() }

        try MosquittoClients.publish(broker.clientOptions(), topic: "slow/a", payload: .text("m1"), qos: 1)
        XCTAssertEqual(entered.wait(timeout: .now() + 10), .success)
        // While the handler runs, the broker goes down and saves its sessions. Had the PUBACK been
        // sent already, the restarted broker would consider m1 delivered.
        try broker.stop()
        try broker.start()
        release.signal()

        let messages = collector.wait(timeout: .seconds(15)) { $0.count >= 2 }
        XCTAssertEqual(messages.map { text($0.payload) }, ["m1", "m1"], broker.log())
    }

    func testQoS0MessagesAreDeliveredOnce() throws {
        let broker = try MosquittoBroker()
        let collector = MessageCollector()
        let client = MQTTClient(configuration: try testConfiguration(broker), logger: testLogger())
        try client.connect(subscriptions: [MQTTSubscription("q0/#", qos: 0)]) { collector.append($0) }
        defer { client.disconnect() }
        try MosquittoClients.publish(broker.clientOptions(), topic: "q0/a", payload: .lines(["a", "b", "c"]), qos: 0)
        XCTAssertEqual(collector.wait(count: 3).map { text($0.payload) }, ["a", "b", "c"])
    }
}
