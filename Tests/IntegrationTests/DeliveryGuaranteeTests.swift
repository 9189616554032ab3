import Foundation
import Storage
import TestSupport
import XCTest

/// At QoS 1 with a persistent session, nothing is lost and nothing is stored twice, whatever
/// happens to the broker or to the bridge.
final class DeliveryGuaranteeTests: XCTestCase {
    private var broker: MosquittoBroker!
    private var directory: TemporaryDirectory!
    private var processes: [ChildProcess] = []

    override func setUpWithError() throws {
        broker = try MosquittoBroker()
        directory = try TemporaryDirectory(prefix: "delivery-test")
    }

    override func tearDownWithError() throws {
        for process in processes { process.kill() }
        try? broker.stop()
        directory.remove()
    }

    private var database: String { directory.file("telemetry.sqlite") }
    private let base: Int64 = 1_795_428_900_000

    /// One climate message per line, each with its own event time: 2 readings per message.
    private func lines(_ range: Range<Int>) -> [String] {
        range.map { #"{"ts":\#(base + Int64($0) * 1000),"seq":\#($0),"temp":\#(20 + Double($0 % 50) / 10),"hum":50}"# }
    }

    private func startBridge(name: String) throws -> BridgeProcess {
        let bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory, name: name)
        processes.append(bridge.child)
        return bridge
    }

    /// A `mosquitto_pub -l` publisher at QoS 1 we feed line by line.
    private func startPublisher() throws -> ChildProcess {
        let publisher = try ChildProcess.launch(
            "/usr/bin/mosquitto_pub",
            broker.clientOptions().arguments + ["-t", "greenhouse/north/gh-01/climate", "-q", "1", "-l"],
            outputDirectory: directory.path, name: "publisher-\(processes.count)", standardInput: true)
        processes.append(publisher)
        return publisher
    }

    private func send(_ lines: [String], to publisher: ChildProcess) throws {
        try publisher.write(toStandardInput: Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    private func assertExactlyOnce(_ count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let store = try TelemetryStore(path: database)
        let temperatures = try store.readings(device: "gh-01", metric: "temperature")
        XCTAssertEqual(temperatures.count, count, file: file, line: line)
        XCTAssertEqual(temperatures.map(\.timestamp), (0..<count).map { base + Int64($0) * 1000 }, file: file, line: line)
        XCTAssertEqual(try store.readingCount(), 2 * count, file: file, line: line)
    }

    func testBridgeKilledMidStreamStoresEveryMessageExactlyOnceAfterRestart() throws {
        var bridge = try startBridge(name: "bridge-1")
        let publisher = try startPublisher()
        try send(lines(0..<3000), to: publisher)
        // Kill while messages are still arriving: some are committed, some in flight.
        try waitForStore(database) { try $0.readingCount() >= 1000 }
        bridge.child.kill()
        _ = try bridge.child.waitUntilExit(timeout: .seconds(10))
        try send(lines(3000..<6000), to: publisher)
        publisher.closeStandardInput()
        XCTAssertEqual(try publisher.waitUntilExit(timeout: .seconds(60)), 0, publisher.standardError)

        bridge = try startBridge(name: "bridge-2")
        try waitForStore(database, timeout: .seconds(60)) { try $0.readingCount() >= 12_000 }
        bridge.child.terminate()
        XCTAssertEqual(try bridge.child.waitUntilExit(timeout: .seconds(20)), 0)
        try assertExactlyOnce(6000)
    }

    func testBrokerRestartedMidStreamLosesNothing() throws {
        let bridge = try startBridge(name: "bridge")
        var publisher = try startPublisher()
        try send(lines(0..<2000), to: publisher)
        publisher.closeStandardInput()
        XCTAssertEqual(try publisher.waitUntilExit(timeout: .seconds(60)), 0, publisher.standardError)
        try waitForStore(database) { try $0.readingCount() >= 200 }

        try broker.stop()
        try broker.start()
        publisher = try startPublisher()
        try send(lines(2000..<4000), to: publisher)
        publisher.closeStandardInput()
        XCTAssertEqual(try publisher.waitUntilExit(timeout: .seconds(60)), 0, publisher.standardError)

        try waitForStore(database, timeout: .seconds(60)) { try $0.readingCount() >= 8000 }
        XCTAssertTrue(bridge.child.isRunning)
        try assertExactlyOnce(4000)
    }

    func testSigtermCommitsEverythingReceivedAndExitsZero() throws {
        let bridge = try startBridge(name: "bridge")
        let publisher = try startPublisher()
        try send(lines(0..<3000), to: publisher)
        try waitForStore(database) { try $0.readingCount() >= 200 }
        bridge.child.terminate()
        XCTAssertEqual(try bridge.child.waitUntilExit(timeout: .seconds(20)), 0, bridge.child.standardError)

        // What the bridge says it took in is exactly what is in the database: nothing buffered was dropped.
        let stopped = try XCTUnwrap(bridge.child.standardError.split(separator: "\n").last { $0.contains("stopped") && $0.contains("messages=") })
        let messages = try XCTUnwrap(stopped.firstMatch(of: /messages=(\d+)/).map { Int($0.1) ?? -1 })
        XCTAssertGreaterThan(messages, 0)
        XCTAssertEqual(try TelemetryStore(path: database).readingCount(), 2 * messages)
        publisher.closeStandardInput()
        XCTAssertEqual(try publisher.waitUntilExit(timeout: .seconds(60)), 0)

        // The rest waited in the broker for the persistent session.
        let again = try startBridge(name: "bridge-again")
        try waitForStore(database, timeout: .seconds(60)) { try $0.readingCount() >= 6000 }
        again.child.terminate()
        try assertExactlyOnce(3000)
    }
}
