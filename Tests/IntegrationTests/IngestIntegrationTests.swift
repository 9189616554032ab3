import Foundation
import Storage
import Telemetry
import TestSupport
import XCTest

/// Readings published by a client we did not write (`mosquitto_pub`) through a real mosquitto
/// land in SQLite with the right device, labels, metric, value and event time.
final class IngestIntegrationTests: XCTestCase {
    private var broker: MosquittoBroker!
    private var directory: TemporaryDirectory!
    private var bridge: BridgeProcess?

    override func setUpWithError() throws {
        broker = try MosquittoBroker()
        directory = try TemporaryDirectory(prefix: "ingest-test")
    }

    override func tearDownWithError() throws {
        bridge?.child.kill()
        try? broker.stop()
        directory.remove()
    }

    private var database: String { directory.file("telemetry.sqlite") }

    private func publish(_ topic: String, _ payload: MosquittoPayload, qos: Int = 1) throws {
        try MosquittoClients.publish(broker.clientOptions(), topic: topic, payload: payload, qos: qos)
    }

    func testReadingsOfEveryFormatLandWithDeviceLabelsValueAndEventTime() throws {
        bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory)
        try publish("greenhouse/north/gh-07/climate",
                    .text(#"{"ts":"2026-11-23T10:15:00Z","seq":1,"temp":21.5,"hum":40,"power":{"battery":3.1}}"#))
        try publish("home/kitchen/th-1/co2", .text("612"))
        try publish("energy/west/meter-01/senml",
                    .text(#"[{"bn":"meter-01:","bt":1795428900,"n":"power","u":"W","v":1250.5},{"n":"voltage","u":"V","v":231.4,"t":1}]"#))
        try publish("zigbee2mqtt/door-sensor", .text(#"{"contact":true,"linkquality":120,"battery":97}"#))

        try waitForStore(database) { try $0.readingCount() == 9 }
        let store = try TelemetryStore(path: database)
        let tenFifteen: Int64 = 1_795_428_900_000
        XCTAssertEqual(try store.readings(device: "gh-07", metric: "temperature"),
                       [Reading(device: "gh-07", metric: "temperature", timestamp: tenFifteen, value: 21.5)])
        XCTAssertEqual(try store.readings(device: "gh-07", metric: "battery").map(\.value), [3.1])
        XCTAssertEqual(try store.readings(device: "meter-01", metric: "voltage").map(\.timestamp), [tenFifteen + 1000])
        XCTAssertEqual(try store.readings(device: "meter-01", metric: "power").map(\.value), [1250.5])
        XCTAssertEqual(try store.readings(device: "th-1", metric: "co2").map(\.value), [612])
        XCTAssertEqual(try store.readings(device: "door-sensor", metric: "contact").map(\.value), [1])

        let devices = Dictionary(uniqueKeysWithValues: try store.devices().map { ($0.id, $0) })
        XCTAssertEqual(devices["gh-07"]?.type, "climate-sensor")
        XCTAssertEqual(devices["gh-07"]?.labels, ["site": "north"])
        XCTAssertEqual(devices["th-1"]?.labels, ["room": "kitchen"])
        XCTAssertEqual(devices["meter-01"]?.labels, ["site": "west"])
        XCTAssertEqual(devices["door-sensor"]?.type, "zigbee-sensor")
        XCTAssertEqual(try store.deadLetterCount(), 0)
    }

    func testMalformedMessagesBecomeDeadLettersWithTheirExactBytes() throws {
        bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory)
        let truncated = Array(#"{"ts":1795428900000,"temp":21.5,"hum":"#.utf8)
        let binary: [UInt8] = [0xFF, 0xFE, 0x00, 0x41]
        try publish("greenhouse/north/gh-07/climate", .bytes(truncated))
        try publish("home/kitchen/th-1/temperature", .bytes(binary))
        try publish("home/kitchen/th-1/pressure", .text("1013"))
        try publish("greenhouse/north/gh-07/climate", .text(#"{"ts":1795428901000,"temp":21.5,"hum":140}"#))
        try publish("home/kitchen/th-1/humidity", .text("NaN"))

        try waitForStore(database) { try $0.deadLetterCount() == 5 }
        let store = try TelemetryStore(path: database)
        let letters = try store.deadLetters().sorted { $0.id < $1.id }
        XCTAssertEqual(letters.map(\.reason),
                       ["malformed_json", "invalid_utf8", "unknown_metric", "out_of_range", "non_finite"])
        XCTAssertEqual(letters[0].payload, truncated)
        XCTAssertEqual(letters[1].payload, binary)
        XCTAssertEqual(letters[1].topic, "home/kitchen/th-1/temperature")
        XCTAssertTrue(letters[3].detail.contains("humidity"), letters[3].detail)
        // The partly good message still stored its temperature.
        XCTAssertEqual(try store.readings(device: "gh-07", metric: "temperature").map(\.value), [21.5])
        XCTAssertEqual(try store.readingCount(), 1)
    }

    func testRepeatedQoS1MessageIsStoredOnce() throws {
        bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory)
        let payload = #"{"ts":1795428900000,"seq":7,"temp":20,"hum":50}"#
        try publish("greenhouse/north/gh-01/climate", .text(payload))
        try publish("greenhouse/north/gh-01/climate", .text(payload))
        try publish("greenhouse/north/gh-01/climate", .text(#"{"ts":1795428960000,"seq":8,"temp":20.5,"hum":51}"#))

        try waitForStore(database) { try $0.readings(device: "gh-01", metric: "temperature").count == 2 }
        let store = try TelemetryStore(path: database)
        XCTAssertEqual(try store.readingCount(), 4)
        XCTAssertEqual(try store.readings(device: "gh-01", metric: "temperature").map(\.value), [20, 20.5])
    }

    func testReadingsWithoutEventTimeInOneMillisecondAreAllKept() throws {
        bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory)
        // mosquitto_pub -l sends these back to back; zigbee2mqtt payloads carry no timestamp.
        let lines = (0..<200).map { #"{"linkquality":\#($0)}"# }
        try publish("zigbee2mqtt/burst", .lines(lines))
        try waitForStore(database) { try $0.readingCount() == 200 }
        let readings = try TelemetryStore(path: database).readings(device: "burst", metric: "linkquality")
        XCTAssertEqual(readings.map(\.value), (0..<200).map(Double.init), "all kept, in order")
        XCTAssertEqual(Set(readings.map(\.timestamp)).count, 200)
    }

    /// Issue 9: 1,100 header-less connections once made the broker reconnect fail with "Too many
    /// open files" and left /healthz unanswered. Now, with the HTTP side at its connection limit,
    /// the broker restarts, the bridge reconnects and stores what follows, and /healthz answers.
    func testTheBrokerReconnectWorksWhileTheHTTPSideIsSaturated() throws {
        let port = FreePort.next()
        bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory,
                                       extra: ["--http", "127.0.0.1:\(port)", "--http-max-connections", "8"])
        let idle = try (0..<20).map { _ in try TCPConnection(port: port) }
        XCTAssertEqual(try TCPConnection.request(port: port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1").status, 200)
        let connections = { self.bridge?.child.standardError.components(separatedBy: "connected to MQTT broker").count ?? 0 }
        let before = connections()
        try broker.stop()
        try broker.start()
        XCTAssertTrue(waitUntil(timeout: .seconds(30)) { connections() > before }, "the bridge reconnected")
        // Published until one is stored: the resubscription follows the connection log line.
        let store = try TelemetryStore(path: database)
        XCTAssertTrue(try waitUntil(timeout: .seconds(30), interval: .milliseconds(200)) {
            try self.publish("home/kitchen/th-1/co2", .text("612"))
            return try store.readingCount() >= 1
        }, "readings are stored after the broker restart")
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) {
            (try? TCPConnection.request(port: port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1").status) == 200
        })
        XCTAssertEqual(idle.count, 20)
    }
}
