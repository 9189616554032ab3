import Foundation
import MQTT
import TestSupport
import XCTest

final class AuthenticationTests: XCTestCase {
    private func securedBroker() throws -> MosquittoBroker {
        try MosquittoBroker(options: .init(allowAnonymous: false, users: ["alice": "correct horse"]))
    }

    func testWrongPasswordIsRefusedQuicklyWithMQTT5() throws {
        try assertRefused(protocolVersion: .v5)
    }

    func testWrongPasswordIsRefusedQuicklyWithMQTT311() throws {
        try assertRefused(protocolVersion: .v311)
    }

    private func assertRefused(protocolVersion: MQTTProtocolVersion) throws {
        let broker = try securedBroker()
        var configuration = try testConfiguration(broker)
        configuration.protocolVersion = protocolVersion
        configuration.username = "alice"
        configuration.password = "wrong"
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        let started = ContinuousClock.now
        XCTAssertThrowsError(try client.connect(subscriptions: []) { _ in }) { error in
            let refused = (error as? MQTTError) == .badCredentials || (error as? MQTTError) == .notAuthorized
            XCTAssertTrue(refused, "unexpected \(error)")
            XCTAssertTrue("\(error)".hasPrefix("broker refused the connection: "), "\(error)")
            XCTAssertFalse("\(error)".contains("wrong"))
        }
        XCTAssertLessThan(started.duration(to: .now), .seconds(3))
        XCTAssertFalse(client.status.connected)
    }

    func testCorrectPasswordConnects() throws {
        let broker = try securedBroker()
        var configuration = try MQTTConfiguration(url: "mqtt://alice@127.0.0.1:\(broker.port)")
        configuration.clientID = "auth-ok-\(UInt32.random(in: 0...UInt32.max))"
        let directory = try TemporaryDirectory()
        try "correct horse\n".write(toFile: directory.file("password"), atomically: true, encoding: .utf8)
        configuration.password = try MQTTConfiguration.readPassword(file: directory.file("password"))
        let collector = MessageCollector()
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        try client.connect(subscriptions: [MQTTSubscription("auth/#", qos: 1)]) { collector.append($0) }
        defer { client.disconnect() }
        try MosquittoClients.publish(broker.clientOptions(username: "alice", password: "correct horse"),
                                     topic: "auth/a", payload: .text("ok"), qos: 1)
        XCTAssertEqual(collector.wait(count: 1).map { text($0.payload) }, ["ok"])
    }

    func testUnreachableBrokerReportsConnectionFailure() throws {
        let port = FreePort.next()  // nothing listens here
        var configuration = try MQTTConfiguration(url: "mqtt://127.0.0.1:\(port)")
        configuration.clientID = "unreachable"
        let client = MQTTClient(configuration: configuration, logger: testLogger())
        XCTAssertThrowsError(try client.connect(subscriptions: []) { _ in }) { error in
            guard case MQTTError.connectionFailed(let host, let reportedPort, let reason) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(host, "127.0.0.1")
            XCTAssertEqual(reportedPort, Int(port))
            XCTAssertEqual(reason, "Connection refused")
        }
    }
}
