import Foundation
import MQTT
import TestSupport
import XCTest

final class TLSTests: XCTestCase {
    func testConnectsOverTLSWithCAAndPassword() throws {
        let broker = try MosquittoBroker(options: .init(allowAnonymous: false, users: ["alice": "s3cret"], tls: true))
        var configuration = try testConfiguration(broker, tls: true)
        configuration.username = "alice"
        configuration.password = "s3cret"
        let collector = MessageCollector()
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        try client.connect(subscriptions: [MQTTSubscription("secure/#", qos: 1)]) { collector.append($0) }
        defer { client.disconnect() }

        let options = broker.clientOptions(tls: true, username: "alice", password: "s3cret")
        let payload = (0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try MosquittoClients.publish(options, topic: "secure/in", payload: .bytes(payload), qos: 1)
        try MosquittoClients.publish(options, topic: "secure/in", payload: .lines((0..<200).map(String.init)), qos: 1)
        let messages = collector.wait(count: 201)
        XCTAssertEqual(messages.first?.payload, payload)
        XCTAssertEqual(messages.dropFirst().map { text($0.payload) }, (0..<200).map(String.init))

        let subscription = try MosquittoSubscription(broker.clientOptions(username: "alice", password: "s3cret"), topics: ["secure/out"])
        try client.publish(topic: "secure/out", payload: Array("over tls".utf8), qos: 1, retain: false)
        try client.flush(timeout: .seconds(5))
        XCTAssertEqual(try subscription.waitForLines(count: 1, timeout: .seconds(5)), ["secure/out over tls"])
    }

    func testClientCertificateIsPresented() throws {
        let broker = try MosquittoBroker(options: .init(tls: true, requireClientCertificate: true))
        let certificates = try XCTUnwrap(broker.certificates)
        var configuration = try testConfiguration(broker, tls: true)
        configuration.tls = MQTTTLS(caFile: certificates.caFile, certFile: certificates.clientCertFile, keyFile: certificates.clientKeyFile)
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        try client.connect(subscriptions: []) { _ in }
        XCTAssertTrue(client.status.connected)
        client.disconnect()
    }

    func testUntrustedServerCertificateFailsWithTLSError() throws {
        let broker = try MosquittoBroker(options: .init(tls: true))
        let otherCA = try TemporaryDirectory()
        let untrusted = try TestCertificates(directory: otherCA.path, commonName: "someone else")
        for tls in [MQTTTLS(), MQTTTLS(caFile: untrusted.caFile)] {
            var configuration = try testConfiguration(broker, tls: true)
            configuration.tls = tls
            let client = MQTTClient(configuration: configuration, logger: testLogger())
            XCTAssertThrowsError(try client.connect(subscriptions: []) { _ in }) { error in
                guard case MQTTError.tls(let reason) = error else { return XCTFail("unexpected \(error)") }
                XCTAssertTrue(reason.contains("certificate verify failed"), reason)
            }
        }
    }

    func testMissingCAFileIsReported() throws {
        var configuration = try MQTTConfiguration(url: "mqtts://127.0.0.1:1")
        configuration.tls = MQTTTLS(caFile: "/nonexistent/ca.crt")
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        XCTAssertThrowsError(try client.connect(subscriptions: []) { _ in }) { error in
            XCTAssertEqual(error as? MQTTError, .tls("cannot read the CA file /nonexistent/ca.crt"))
        }
    }
}
