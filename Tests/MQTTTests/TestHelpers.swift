import Foundation
import Logging
import MQTT
import TestSupport
import XCTest

/// Collects batches handed to a client's handler; tests wait on it with a deadline.
final class MessageCollector: @unchecked Sendable {
    private let condition = NSCondition()
    private var received: [MQTTMessage] = []
    private var batchSizes: [Int] = []

    func append(_ batch: MQTTBatch) {
        condition.lock()
        received.append(contentsOf: batch.messages)
        batchSizes.append(batch.count)
        condition.broadcast()
        condition.unlock()
    }

    var messages: [MQTTMessage] {
        condition.lock()
        defer { condition.unlock() }
        return received
    }

    var batches: [Int] {
        condition.lock()
        defer { condition.unlock() }
        return batchSizes
    }

    /// Waits until `predicate` holds for the messages so far; returns them either way.
    @discardableResult
    func wait(timeout: Duration = .seconds(10), until predicate: ([MQTTMessage]) -> Bool) -> [MQTTMessage] {
        let deadline = Date(timeIntervalSinceNow: Double(timeout.components.seconds))
        condition.lock()
        defer { condition.unlock() }
        while !predicate(received) {
            if !condition.wait(until: deadline) { break }
        }
        return received
    }

    @discardableResult
    func wait(count: Int, timeout: Duration = .seconds(10)) -> [MQTTMessage] {
        wait(timeout: timeout) { $0.count >= count }
    }
}

func testLogger(_ label: String = "mqtt-test") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["MQTT_TEST_LOG"] == nil ? .warning : .trace
    return logger
}

/// A configuration for `broker` with a unique client id and quick reconnects.
func testConfiguration(_ broker: MosquittoBroker, tls: Bool = false) throws -> MQTTConfiguration {
    var configuration = try MQTTConfiguration(url: tls ? (broker.tlsURL ?? broker.url) : broker.url)
    configuration.clientID = "test-\(UUID().uuidString.prefix(8).lowercased())"
    configuration.reconnectMinDelay = .milliseconds(100)
    configuration.reconnectMaxDelay = .milliseconds(400)
    configuration.connectTimeout = .seconds(5)
    if tls {
        configuration.tls = MQTTTLS(caFile: broker.certificates?.caFile)
    }
    return configuration
}

func text(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
}
