import Foundation
import Storage
import Telemetry
import TestSupport
import XCTest

/// Operators act on alerts through the real daemon and a real mosquitto: MQTT commands answered on
/// their response topic (with MQTT 5 correlation data), the stored events, the retained "active"
/// copy, silences marking later raises, and `alerts ack` against a running bridge's database.
final class OperatorCommandTests: XCTestCase {
    private var broker: MosquittoBroker!
    private var directory: TemporaryDirectory!
    private var processes: [ChildProcess] = []
    private var subscriptions: [MosquittoSubscription] = []
    private let commands = "telemetry-bridge/bridge-under-test/commands"

    override func setUpWithError() throws {
        broker = try MosquittoBroker()
        directory = try TemporaryDirectory(prefix: "operator-commands-test")
        try FileManager.default.createDirectory(atPath: rulesDirectory, withIntermediateDirectories: true)
        try """
            rules:
              - alert: HotNow
                devices: climate-sensor
                when: temperature > 30
                severity: critical
                message: "{{device}} at {{value}} °C"
            """.write(toFile: rulesDirectory + "/rules.yaml", atomically: true, encoding: .utf8)
        let bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory,
                                           extra: ["--rules", rulesDirectory, "--rules-watch-interval", "0"])
        processes.append(bridge.child)
    }

    override func tearDownWithError() throws {
        for subscription in subscriptions { subscription.stop() }
        for process in processes { process.kill() }
        try? broker.stop()
        directory.remove()
    }

    private var database: String { directory.file("alerts.sqlite") }
    private var rulesDirectory: String { directory.file("rules") }

    private func publishTemperature(_ value: Double, device: String) throws {
        try MosquittoClients.publish(broker.clientOptions(), topic: "greenhouse/north/\(device)/climate",
                                     payload: .text(#"{"ts":\#(WallClock.milliseconds()),"temp":\#(value),"hum":50}"#), qos: 1)
    }

    /// Sends a command (MQTT 5, correlation data `correlation`) and returns its response's payload.
    private func command(_ name: String, _ json: String, correlation: String,
                         responses: MosquittoSubscription, count: Int) throws -> String {
        try command(name, bytes: Array(json.utf8), correlation: correlation, responses: responses, count: count)
    }

    private func command(_ name: String, bytes: [UInt8], correlation: String,
                         responses: MosquittoSubscription, count: Int) throws -> String {
        try MosquittoClients.publish(broker.clientOptions(), topic: "\(commands)/\(name)", payload: .bytes(bytes), qos: 1,
                                     extraArguments: ["-V", "5", "-D", "publish", "correlation-data", correlation])
        let lines = try responses.waitForLines(count: count, timeout: .seconds(20))
        let line = try XCTUnwrap(lines.last)
        let prefix = "\(commands)/\(name)/response \(correlation) "
        XCTAssertTrue(line.hasPrefix(prefix), "\(line) does not start with \(prefix)")
        return String(line.dropFirst(prefix.count))
    }

    private func retainedActive() throws -> [String] {
        try broker.retainedMessages(under: "alerts/active")
    }

    func testAcknowledgeAndSilenceRoundTripsThroughTheCommandTopics() throws {
        let responses = try MosquittoSubscription(broker.clientOptions(), topics: ["\(commands)/+/response"], format: "%t %D %p",
                                                  extraArguments: ["-V", "5"])
        subscriptions.append(responses)
        try publishTemperature(35, device: "gh-01")
        try waitForStore(database) { try $0.alerts().count == 1 }
        let store = try TelemetryStore(path: database)
        let logSize = { try store.alertEvents(after: 0, limit: 1000).count }

        // Bad commands: an error response each, the log unchanged.
        var response = try command("ack", #"{"alert":"HotNow""#, correlation: "c1", responses: responses, count: 1)
        XCTAssertEqual(response, #"{"ok":false,"error":{"code":"invalid","message":"the command is not valid JSON"}}"#)
        response = try command("ack", #"{"alert":"HotNo","device":"gh-01","by":"ana","requestId":"r2"}"#, correlation: "c2",
                               responses: responses, count: 2)
        XCTAssertEqual(response, #"{"ok":false,"requestId":"r2","error":{"code":"unknown_alert","parameter":"alert","message":"no alert 'HotNo' was ever raised (did you mean 'HotNow'?)"}}"#)
        response = try command("silence", #"{"device":"gh-02","by":"ana","startsAt":"2030-01-02T00:00:00Z","endsAt":"2030-01-01T00:00:00Z"}"#,
                               correlation: "c3", responses: responses, count: 3)
        XCTAssertTrue(response.hasPrefix(#"{"ok":false,"error":{"code":"invalid","parameter":"endsAt","message":"ends at 2030-01-01T00:00:00Z, not after"#), response)
        response = try command("unsilence", #"{"id":"0000000000","by":"ana"}"#, correlation: "c4", responses: responses, count: 4)
        XCTAssertTrue(response.contains(#""code":"unknown_silence","parameter":"id""#), response)
        // Hostile bytes: invalid UTF-8, a megabyte, an unknown command name.
        response = try command("ack", bytes: [0x7B, 0xFF, 0xFE, 0x7D], correlation: "h1", responses: responses, count: 5)
        XCTAssertEqual(response, #"{"ok":false,"error":{"code":"invalid","message":"the command is not valid JSON"}}"#)
        response = try command("silence", bytes: Array(repeating: 0x20, count: 1 << 20), correlation: "h2", responses: responses, count: 6)
        XCTAssertEqual(response, #"{"ok":false,"error":{"code":"invalid","message":"command larger than 65536 bytes"}}"#)
        response = try command("snooze", "{}", correlation: "h3", responses: responses, count: 7)
        XCTAssertTrue(response.contains(#""parameter":"command""#), response)
        XCTAssertEqual(try logSize(), 1)

        // Acknowledge: stored, answered with the event, the retained copy says so; again: refused.
        response = try command("ack", #"{"alert":"HotNow","device":"gh-01","by":"ana","comment":"on my way"}"#, correlation: "c5",
                               responses: responses, count: 8)
        XCTAssertTrue(response.hasPrefix(#"{"ok":true,"event":{"type":"AlertAcknowledged","schema":1,"id":""#), response)
        let acknowledgements = try store.operatorEvents()
        XCTAssertEqual(acknowledgements.map(\.record.type), [.acknowledged])
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) {
            (try? self.retainedActive())?.first?.contains(#""acknowledged":{"id":""#) == true
        }, "retained: \((try? retainedActive()) ?? [])")
        let active = try XCTUnwrap(retainedActive().first)
        XCTAssertTrue(active.hasPrefix("alerts/active/HotNow/gh-01 {\"type\":\"AlertRaised\""), active)
        XCTAssertTrue(active.contains(#""by":"ana","comment":"on my way""#), active)
        response = try command("ack", #"{"alert":"HotNow","device":"gh-01","by":"bo"}"#, correlation: "c6", responses: responses, count: 9)
        XCTAssertTrue(response.contains(#""code":"already_acknowledged""#), response)

        // A silence marks the raises after it, which are still stored and published.
        response = try command("silence", #"{"device":"gh-02","duration":"1h","by":"ana","comment":"repair"}"#, correlation: "c7",
                               responses: responses, count: 10)
        XCTAssertTrue(response.hasPrefix(#"{"ok":true,"event":{"type":"SilenceCreated""#), response)
        let silence = try XCTUnwrap(store.operatorEvents().last?.record)
        XCTAssertEqual(silence.type, .silenceCreated)
        try publishTemperature(36, device: "gh-02")
        try waitForStore(database) { try $0.alerts(filter: AlertFilter(devices: ["gh-02"])).count == 1 }
        let raised = try XCTUnwrap(store.alerts(filter: AlertFilter(devices: ["gh-02"])).first)
        XCTAssertEqual(raised.silenced, silence.id, processes[0].standardError)
        XCTAssertTrue(raised.event.hasSuffix(",\"silenced\":\"\(silence.id)\"}"), raised.event)

        // `alerts ack` against the running bridge's database: the bridge picks it up and publishes it.
        let cli = try BridgeProcess.command(["alerts", "ack", "HotNow", "gh-02", "--by", "cy", "--db", database],
                                            directory: directory, name: "ack")
        XCTAssertEqual(cli.status, 0, cli.stderr)
        XCTAssertTrue(cli.stdout.hasPrefix(#"{"type":"AlertAcknowledged""#), cli.stdout)
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) {
            ((try? self.retainedActive()) ?? []).contains { $0.hasPrefix("alerts/active/HotNow/gh-02 ") && $0.contains(#""by":"cy""#) }
        }, "retained: \((try? retainedActive()) ?? [])")
        let again = try BridgeProcess.command(["alerts", "ack", "HotNow", "gh-02", "--by", "cy", "--db", database],
                                              directory: directory, name: "ack-again")
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("error: alert: alert 'HotNow' of device 'gh-02' was already acknowledged by cy"), again.stderr)
    }

    func testTheCLISendsCommandsThroughTheBrokerAndPrintsTheBridgesAnswer() throws {
        try publishTemperature(35, device: "gh-01")
        try waitForStore(database) { try $0.alerts().count == 1 }
        let remote = ["--broker", broker.url, "--bridge-id", "bridge-under-test", "--by", "dee"]
        let ack = try BridgeProcess.command(["alerts", "ack", "HotNow", "gh-01", "--comment", "looking"] + remote,
                                            directory: directory, name: "remote-ack")
        XCTAssertEqual(ack.status, 0, ack.stderr)
        let stored = try XCTUnwrap(TelemetryStore(path: database).operatorEvents().last?.record)
        XCTAssertEqual(ack.stdout, stored.event + "\n", "the event printed byte for byte as stored")
        XCTAssertTrue(stored.event.contains(#""by":"dee","comment":"looking""#), stored.event)

        let again = try BridgeProcess.command(["alerts", "ack", "HotNow", "gh-01"] + remote, directory: directory, name: "remote-again")
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("already acknowledged by dee"), again.stderr)

        let silence = try BridgeProcess.command(["alerts", "silence", "--device", "gh-0?", "--duration", "2h"] + remote,
                                                directory: directory, name: "remote-silence")
        XCTAssertEqual(silence.status, 0, silence.stderr)
        XCTAssertTrue(silence.stdout.hasPrefix(#"{"type":"SilenceCreated""#), silence.stdout)
        let bad = try BridgeProcess.command(["alerts", "silence", "--device", "gh-*", "--duration", "soon"] + remote,
                                            directory: directory, name: "remote-bad")
        XCTAssertEqual(bad.status, 2, "an invalid command: " + bad.stderr)
        XCTAssertTrue(bad.stderr.contains("duration"), bad.stderr)

        let nobody = try BridgeProcess.command(["alerts", "ack", "HotNow", "gh-01", "--broker", broker.url, "--bridge-id", "nobody",
                                                "--timeout", "1", "--by", "dee"], directory: directory, name: "remote-nobody")
        XCTAssertEqual(nobody.status, 1)
        XCTAssertTrue(nobody.stderr.contains("no answer on telemetry-bridge/nobody/commands/ack/response within 1 s"), nobody.stderr)
    }

    func testARetainedCommandIsNotCarriedOutByABridgeThatSubscribesLater() throws {
        try publishTemperature(35, device: "gh-01")
        try waitForStore(database) { try $0.alerts().count == 1 }
        let lateCommands = "telemetry-bridge/late-bridge/commands"
        try MosquittoClients.publish(broker.clientOptions(), topic: "\(lateCommands)/ack",
                                     payload: .text(#"{"alert":"HotNow","device":"gh-01","by":"ana"}"#), qos: 1, retain: true)
        let responses = try MosquittoSubscription(broker.clientOptions(), topics: ["\(lateCommands)/+/response"])
        subscriptions.append(responses)
        let late = try BridgeProcess.run(broker: broker.url, database: directory.file("late.sqlite"), directory: directory,
                                         name: "late", clientID: "late-bridge")
        processes.append(late.child)
        let line = try XCTUnwrap(responses.waitForLines(count: 1, timeout: .seconds(20)).first)
        XCTAssertTrue(line.contains(#"{"ok":false,"error":{"code":"invalid","parameter":"retain","#), line)
        XCTAssertEqual(try TelemetryStore(path: directory.file("late.sqlite")).operatorEvents().count, 0)
    }
}
