import MQTT
import TestSupport
import XCTest

final class PublishTests: XCTestCase {
    func testPublishesAtEveryQoSToMosquittoSub() throws {
        let broker = try MosquittoBroker()
        let subscription = try MosquittoSubscription(broker.clientOptions(), topics: ["out/#"], qos: 2, format: "%t %q %r %p")
        let client = MQTTClient(configuration: try testConfiguration(broker), logger: testLogger())
        try client.connect(subscriptions: []) { _ in }
        defer { client.disconnect() }

        try client.publish(topic: "out/q0", payload: Array("zero".utf8), qos: 0, retain: false)
        try client.publish(topic: "out/q1", payload: Array("one".utf8), qos: 1, retain: false)
        try client.publish(topic: "out/q2", payload: Array("two".utf8), qos: 2, retain: true)
        try client.flush(timeout: .seconds(5))
        XCTAssertEqual(client.status.pendingPublishes, 0)

        let lines = try subscription.waitForLines(count: 3, timeout: .seconds(5))
        XCTAssertEqual(Set(lines), ["out/q0 0 0 zero", "out/q1 1 0 one", "out/q2 2 0 two"])
    }

    func testBlocksPublisherAtMaxOutstandingAndDeliversEverything() throws {
        let broker = try MosquittoBroker()
        let subscription = try MosquittoSubscription(broker.clientOptions(), topics: ["bulk/#"], qos: 1, format: "%p")
        var configuration = try testConfiguration(broker)
        configuration.maxOutstandingPublishes = 20
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        try client.connect(subscriptions: []) { _ in }
        defer { client.disconnect() }

        var maxPending = 0
        let started = ContinuousClock.now
        for index in 0..<3000 {
            try client.publish(topic: "bulk/\(index % 7)", payload: Array("\(index)".utf8), qos: 1, retain: false)
            maxPending = max(maxPending, client.status.pendingPublishes)
        }
        try client.flush(timeout: .seconds(20))
        // ~0.2 s normally; a lost wake-up of the network thread shows up as 1 s poll timeouts.
        XCTAssertLessThan(started.duration(to: .now), .seconds(5), "publishing stalled")
        XCTAssertLessThanOrEqual(maxPending, 20)
        XCTAssertEqual(client.status.pendingPublishes, 0)

        let lines = try subscription.waitForLines(count: 3000, timeout: .seconds(20))
        XCTAssertEqual(lines, (0..<3000).map { "\($0)" })
    }

    func testHandlerCanPublishWithoutBlockingTheNetworkThread() throws {
        let broker = try MosquittoBroker()
        let subscription = try MosquittoSubscription(broker.clientOptions(), topics: ["echo/#"], qos: 1)
        var configuration = try testConfiguration(broker)
        configuration.maxOutstandingPublishes = 1  // would deadlock if the handler waited for room
        let box = ClientBox()
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        box.client = client
        try client.connect(subscriptions: [MQTTSubscription("in/#", qos: 1)]) { batch in
            for message in batch.messages {
                try box.client?.publish(topic: "echo/" + message.topic, payload: message.payload, qos: 1, retain: false)
            }
        }
        defer {
            box.client = nil
            client.disconnect()
        }

        try MosquittoClients.publish(broker.clientOptions(), topic: "in/a", payload: .lines(["1", "2", "3", "4"]), qos: 1)
        let lines = try subscription.waitForLines(count: 4, timeout: .seconds(10))
        XCTAssertEqual(lines, ["echo/in/a 1", "echo/in/a 2", "echo/in/a 3", "echo/in/a 4"])
    }

    func testFlushFromHandlerIsRefused() throws {
        let broker = try MosquittoBroker()
        let box = ClientBox()
        let outcome = ErrorBox()
        let client = MQTTClient(configuration: try testConfiguration(broker), logger: testLogger())
        box.client = client
        try client.connect(subscriptions: [MQTTSubscription("f/#", qos: 1)]) { _ in
            do {
                try box.client?.flush(timeout: .seconds(1))
            } catch {
                outcome.set(error)
            }
        }
        defer {
            box.client = nil
            client.disconnect()
        }
        try MosquittoClients.publish(broker.clientOptions(), topic: "f/x", payload: .text("x"), qos: 1)
        XCTAssertTrue(waitUntil(timeout: .seconds(5)) { outcome.get() != nil })
        guard case .invalidState = outcome.get() else { return XCTFail("unexpected \(String(describing: outcome.get()))") }
    }
}

/// Lets a handler reach the client it belongs to.
final class ClientBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: MQTTClient?
    var client: MQTTClient? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: MQTTError?
    func set(_ error: Error) { lock.withLock { self.error = error as? MQTTError } }
    func get() -> MQTTError? { lock.withLock { error } }
}
