import Foundation
import Storage
import TestSupport
import XCTest

/// Rules against a real mosquitto and the real daemon: alert events on MQTT with the documented
/// JSON, stored with the readings, surviving a SIGKILL, and rule reloads that keep old rules
/// when the new ones are broken.
///
/// Readings carry event times a day ahead of the wall clock, so the daemon's wall-clock rule
/// ticker (which never moves time before a device's latest reading) cannot interfere: every
/// alert here is decided by event time alone, deterministically. (The daemon runs with
/// `--max-timestamp-ahead 7d` so that such times are plausible.)
final class AlertIntegrationTests: XCTestCase {
    private var broker: MosquittoBroker!
    private var directory: TemporaryDirectory!
    private var processes: [ChildProcess] = []
    private var subscriptions: [MosquittoSubscription] = []
    private let base = (Int64(Date().timeIntervalSince1970) + 86_400) * 1000

    private static let rules = """
        rules:
          - alert: TooHot
            devices: climate-sensor
            where: site == "north"
            when: avg(temperature, 1m) > 30
            for: 2m
            clear: avg(temperature, 1m) < 28
            severity: critical
            message: "{{device}} ({{site}}) at {{value}} °C"
        """

    override func setUpWithError() throws {
        broker = try MosquittoBroker()
        directory = try TemporaryDirectory(prefix: "alert-test")
        try FileManager.default.createDirectory(atPath: rulesDirectory, withIntermediateDirectories: true)
        try Self.rules.write(toFile: rulesDirectory + "/greenhouse.yaml", atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        for subscription in subscriptions { subscription.stop() }
        for process in processes { process.kill() }
        try? broker.stop()
        directory.remove()
    }

    private var database: String { directory.file("alerts.sqlite") }
    private var rulesDirectory: String { directory.file("rules") }

    private func startBridge(name: String) throws -> BridgeProcess {
        let bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory, name: name,
                                           extra: ["--rules", rulesDirectory, "--rules-watch-interval", "0", "--max-timestamp-ahead", "7d"])
        processes.append(bridge.child)
        return bridge
    }

    private func subscribe() throws -> MosquittoSubscription {
        let subscription = try MosquittoSubscription(broker.clientOptions(), topics: ["alerts/critical/#"])
        subscriptions.append(subscription)
        return subscription
    }

    /// Climate readings every 30 s of event time from `start`, one per value.
    private func publish(_ values: [Double], from start: Int, device: String = "gh-01", site: String = "north") throws {
        let lines = values.enumerated().map { offset, value in
            #"{"ts":\#(base + Int64(start + offset) * 30_000),"temp":\#(value),"hum":50}"#
        }
        try MosquittoClients.publish(broker.clientOptions(), topic: "greenhouse/\(site)/\(device)/climate",
                                     payload: .lines(lines), qos: 1)
    }

    private func json(_ line: String) throws -> [String: Any] {
        let payload = try XCTUnwrap(line.split(separator: " ", maxSplits: 1).last)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
    }

    func testHotSpellRaisesThenClearsOnMQTTAndInSQLite() throws {
        _ = try startBridge(name: "bridge")
        let subscription = try subscribe()
        try publish([20, 20, 20, 35, 35, 35, 35, 35, 35, 35, 20, 20, 20], from: 0)
        // A south device with the same readings is filtered out by `where`.
        try publish([35, 35, 35, 35, 35, 35, 35], from: 0, device: "gh-02", site: "south")

        let lines = try subscription.waitForLines(count: 2, timeout: .seconds(30))
        XCTAssertTrue(lines[0].hasPrefix("alerts/critical/TooHot/gh-01 "), lines[0])
        let raised = try json(lines[0])
        XCTAssertEqual(raised["type"] as? String, "AlertRaised")
        XCTAssertEqual(raised["schema"] as? Int, 1)
        XCTAssertEqual(raised["alert"] as? String, "TooHot")
        XCTAssertEqual(raised["device"] as? String, "gh-01")
        XCTAssertEqual(raised["deviceType"] as? String, "climate-sensor")
        XCTAssertEqual(raised["labels"] as? [String: String], ["site": "north"])
        XCTAssertEqual(raised["severity"] as? String, "critical")
        XCTAssertEqual(raised["value"] as? Double, 35)
        XCTAssertEqual(raised["message"] as? String, "gh-01 (north) at 35 °C")
        for field in ["id", "at", "pendingSince"] { XCTAssertNotNil(raised[field] as? String, field) }
        XCTAssertEqual((raised["cause"] as? [String: Any])?["topic"] as? String, "greenhouse/north/gh-01/climate")

        let cleared = try json(lines[1])
        XCTAssertEqual(cleared["type"] as? String, "AlertCleared")
        XCTAssertEqual(cleared["raisedId"] as? String, raised["id"] as? String)
        XCTAssertEqual(cleared["raisedAt"] as? String, raised["at"] as? String)

        let store = try TelemetryStore(path: database)
        let stored = try store.alerts(filter: AlertFilter())
        XCTAssertEqual(stored.map(\.type), [.raised, .cleared])
        XCTAssertEqual(stored.map(\.device), ["gh-01", "gh-01"])
        XCTAssertEqual(stored.first?.id, raised["id"] as? String)
        XCTAssertTrue(try store.firingAlerts().isEmpty)
    }

    func testKilledWhileFiringRestartsWithoutSecondRaiseAndClearsNormally() throws {
        let first = try startBridge(name: "bridge-1")
        let subscription = try subscribe()
        try publish([20, 20, 35, 35, 35, 35, 35, 35], from: 0)
        _ = try subscription.waitForLines(count: 1, timeout: .seconds(30))
        try waitForStore(database) { try $0.firingAlerts().count == 1 }
        first.child.kill()
        _ = try first.child.waitUntilExit(timeout: .seconds(10))

        _ = try startBridge(name: "bridge-2")
        try publish([36, 36, 36, 20, 20, 20], from: 8)
        let lines = try subscription.waitForLines(count: 2, timeout: .seconds(30))
        XCTAssertEqual(try json(lines[1])["type"] as? String, "AlertCleared", lines.joined(separator: "\n"))
        XCTAssertEqual(try json(lines[1])["raisedId"] as? String, try json(lines[0])["id"] as? String)

        let stored = try TelemetryStore(path: database).alerts(filter: AlertFilter())
        XCTAssertEqual(stored.map(\.type), [.raised, .cleared], "exactly one raise and one clear")
        XCTAssertEqual(subscription.lines.filter { $0.contains("AlertRaised") }.count, 1)
    }

    func testBrokenRuleFileOnReloadKeepsTheOldRulesRunning() throws {
        let bridge = try startBridge(name: "bridge")
        let subscription = try subscribe()
        try "rules:\n  - alert: Broken\n    when: avg(temprature, 5m) > 1\n"
            .write(toFile: rulesDirectory + "/broken.yaml", atomically: true, encoding: .utf8)
        bridge.child.send(signal: SIGHUP)
        try bridge.child.waitForOutput(containing: "rule reload failed", timeout: .seconds(20))
        XCTAssertTrue(bridge.child.standardError.contains("broken.yaml:3:"), bridge.child.standardError)

        try publish([35, 35, 35, 35, 35, 35, 35], from: 0)
        let lines = try subscription.waitForLines(count: 1, timeout: .seconds(30))
        XCTAssertTrue(lines[0].contains("\"AlertRaised\""), "the old rule still fires")

        try FileManager.default.removeItem(atPath: rulesDirectory + "/broken.yaml")
        bridge.child.send(signal: SIGHUP)
        try bridge.child.waitForOutput(containing: "rules reloaded", timeout: .seconds(20))
    }

    /// Files that crashed the daemon on reload (stack overflow, no log): each is now refused with
    /// its position, and the daemon keeps its rules and keeps serving.
    func testCrasherRuleFilesOnReloadAreRefusedAndTheDaemonKeepsItsRules() throws {
        let bridge = try startBridge(name: "bridge")
        let subscription = try subscribe()
        let crashers: [(name: String, bytes: [UInt8], position: String)] = [
            ("parens.yaml", Array(("rules:\n  - alert: P\n    when: " + String(repeating: "(", count: 15_000) + "1" + String(repeating: ")", count: 15_000) + " > 0\n").utf8), "parens.yaml:3:"),
            ("chain.yaml", Array(("rules:\n  - alert: C\n    when: temperature" + String(repeating: " + 1", count: 2_400) + " > 0\n").utf8), "chain.yaml:3:"),
            ("latin1.yaml", Array("rules:\n  - alert: Caf".utf8) + [0xE9] + Array("\n    when: temperature > 0\n".utf8), "latin1.yaml:2:15:"),
        ]
        for (index, crasher) in crashers.enumerated() {
            let path = rulesDirectory + "/" + crasher.name
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(crasher.bytes)))
            bridge.child.send(signal: SIGHUP)
            try bridge.child.waitForOutput(containing: crasher.position, timeout: .seconds(20))
            XCTAssertEqual(bridge.child.standardError.components(separatedBy: "rule reload failed").count - 1, index + 1)
            try FileManager.default.removeItem(atPath: path)
        }
        try publish([35, 35, 35, 35, 35, 35, 35], from: 0)
        let lines = try subscription.waitForLines(count: 1, timeout: .seconds(30))
        XCTAssertTrue(lines[0].contains("\"AlertRaised\""), "the old rule still fires")
    }

    func testStartingWithACrasherInPlaceExitsWithThePosition() throws {
        try ("rules:\n  - alert: N\n    when: " + String(repeating: "-", count: 20_000) + "temperature > 0\n")
            .write(toFile: rulesDirectory + "/minus.yaml", atomically: true, encoding: .utf8)
        let result = try BridgeProcess.command(
            ["run", "--broker", broker.url, "--db", database, "--devices", RepositoryPaths.devices, "--rules", rulesDirectory],
            directory: directory, name: "crasher-start")
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("minus.yaml:3:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("expression longer than 10000 characters"), result.stderr)
    }
}

/// The simulator's anomalies, published as four hours of virtual time, raise and clear alerts.
final class SimulatedAnomalyAlertTests: XCTestCase {
    func testSimulatedSpikesRaiseThenClearOnMQTTAndInSQLite() throws {
        let broker = try MosquittoBroker()
        let directory = try TemporaryDirectory(prefix: "anomaly-test")
        defer {
            try? broker.stop()
            directory.remove()
        }
        let rules = directory.file("rules")
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try """
            rules:
              - alert: Spike
                devices: climate-sensor
                when: avg(temperature, 1m) > 30
                for: 1m
                clear: avg(temperature, 1m) < 28
                severity: critical
            """.write(toFile: rules + "/spike.yaml", atomically: true, encoding: .utf8)
        let database = directory.file("anomaly.sqlite")
        let bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory,
                                           extra: ["--rules", rules, "--rules-watch-interval", "0", "--max-timestamp-ahead", "7d"])
        defer { bridge.child.kill() }
        let subscription = try MosquittoSubscription(broker.clientOptions(), topics: ["alerts/critical/#"])
        defer { subscription.stop() }

        // A day ahead of the wall clock, so only event time decides (see AlertIntegrationTests).
        let start = (Int64(Date().timeIntervalSince1970) + 86_400) * 1000
        let simulate = try BridgeProcess.command(
            ["simulate", "--broker", broker.url, "--devices", RepositoryPaths.devices, "--type", "climate-sensor",
             "--devices-per-type", "2", "--anomalies", "--seed", "7", "--rate", "0", "--count", "3000",
             "--start", String(start), "--step", "10s", "--log-level", "warning"],
            directory: directory, name: "simulate")
        XCTAssertEqual(simulate.status, 0, simulate.stderr)

        try waitForStore(database) { try $0.readingCount() >= 2 * 3000 }
        let store = try TelemetryStore(path: database)
        // At least once: a subscriber de-duplicates by event id (as the README asks of consumers).
        // Lines are `topic payload`; the log may still be growing by the last messages' events.
        func eventIDs(_ lines: [String]) -> Set<String> {
            Set(lines.compactMap { line in
                guard let space = line.firstIndex(of: " ") else { return nil }
                let payload = Data(line[line.index(after: space)...].utf8)
                return (try? JSONSerialization.jsonObject(with: payload) as? [String: Any])?["id"] as? String
            })
        }
        var stored: [AlertRecord] = []
        XCTAssertTrue(waitUntil(timeout: .seconds(30)) {
            stored = (try? store.alerts()) ?? []
            return !stored.isEmpty && eventIDs(subscription.lines) == Set(stored.map(\.id))
        }, "every stored event reached the subscriber: \(subscription.lines.count) lines for \(stored.count) events")
        let raised = stored.filter { $0.type == .raised }
        let cleared = stored.filter { $0.type == .cleared }
        XCTAssertGreaterThan(raised.count, 0, "a spike raised the alert")
        XCTAssertGreaterThan(cleared.count, 0, "and it cleared once the spike ended")
        XCTAssertEqual(Set(cleared.compactMap(\.raisedID)).isSubset(of: Set(raised.map(\.id))), true)
        let lines = subscription.lines
        XCTAssertTrue(lines.first?.contains("\"AlertRaised\"") == true, "the first event is a raise")
    }
}
