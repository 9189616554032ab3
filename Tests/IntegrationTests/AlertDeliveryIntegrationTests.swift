import Foundation
import Logging
import MQTT
import Storage
import Telemetry
import TestSupport
import XCTest

/// Alert events delivered from the alert log at least once, against the real daemon and a real
/// mosquitto with persistence: what was committed while the broker was away reaches a persistent
/// subscriber after both come back, and the broker's retained "active" topics end up equal to
/// the log's firing set.
final class AlertDeliveryIntegrationTests: XCTestCase {
    private var broker: MosquittoBroker!
    private var directory: TemporaryDirectory!
    private var processes: [ChildProcess] = []
    private var subscriptions: [MosquittoSubscription] = []
    private let subscriberID = "persistent-alert-subscriber"

    override func setUpWithError() throws {
        broker = try MosquittoBroker()
        directory = try TemporaryDirectory(prefix: "alert-delivery-test")
        try FileManager.default.createDirectory(atPath: rulesDirectory, withIntermediateDirectories: true)
        try writeRules(alert: "HotNow", when: "temperature > 30")
    }

    override func tearDownWithError() throws {
        for subscription in subscriptions { subscription.stop() }
        for process in processes { process.kill() }
        try? broker.stop()
        directory.remove()
    }

    private var database: String { directory.file("alerts.sqlite") }
    private var rulesDirectory: String { directory.file("rules") }

    private func writeRules(alert: String, when: String) throws {
        try """
            rules:
              - alert: \(alert)
                devices: climate-sensor
                when: \(when)
                severity: critical
                message: "{{device}} at {{value}} °C"
            """.write(toFile: rulesDirectory + "/rules.yaml", atomically: true, encoding: .utf8)
    }

    private func startBridge(name: String, extra: [String] = []) throws -> BridgeProcess {
        let bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory, name: name,
                                           extra: ["--rules", rulesDirectory, "--rules-watch-interval", "0"] + extra)
        processes.append(bridge.child)
        return bridge
    }

    /// A QoS 1 subscriber with a persistent session (MQTT 5, session kept an hour): what is
    /// published while it is away is queued by the broker and delivered when it comes back.
    private func persistentSubscriber() throws -> MosquittoSubscription {
        let subscription = try MosquittoSubscription(
            broker.clientOptions(), topics: ["alerts/critical/#"], format: "%t %D %p",
            extraArguments: ["-V", "5", "-c", "-i", subscriberID, "-x", "3600"])
        subscriptions.append(subscription)
        return subscription
    }

    private func retainedActiveAlerts() throws -> [String] {
        try broker.retainedMessages(under: "alerts/active")
    }

    private func publishTemperature(_ value: Double, device: String = "gh-01") throws {
        let now = WallClock.milliseconds()
        try MosquittoClients.publish(broker.clientOptions(), topic: "greenhouse/north/\(device)/climate",
                                     payload: .text(#"{"ts":\#(now),"temp":\#(value),"hum":50}"#), qos: 1)
    }

    func testAPublishTheBrokerRefusesIsTheMQTTSinksDeadLetterAndDeliveryGoesOn() throws {
        // An ACL that lets the bridge publish everything but the critical event topics: MQTT 5
        // brokers answer such a publish with PUBACK 0x87 (not authorized) and drop it.
        try broker.stop()
        let acl = directory.file("acl")
        try "topic readwrite #\ntopic deny alerts/critical/#\n".write(toFile: acl, atomically: true, encoding: .utf8)
        broker = try MosquittoBroker(options: .init(extraConfiguration: ["acl_file \(acl)"]))
        try writeRules(alert: "HotNow", when: "temperature > 30")
        _ = try startBridge(name: "bridge")
        try publishTemperature(35)
        try waitForStore(database) { try $0.alerts().count == 1 }
        let store = try TelemetryStore(path: database)
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) { ((try? store.deliveryRefusals(sink: "mqtt")) ?? []).count == 1 })
        let event = try XCTUnwrap(store.alerts().first)
        let refusal = try XCTUnwrap(store.deliveryRefusals(sink: "mqtt").first)
        XCTAssertEqual(refusal.eventID, event.id)
        XCTAssertTrue(refusal.reason.hasPrefix("PUBACK 0x87"), refusal.reason)
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) {
            (try? store.deliveryStates().first { $0.sink == "mqtt" }?.pendingEvents) == 0
        }, "the refused event is done with: delivery goes on")
        XCTAssertEqual(try retainedActiveAlerts().count, 1, "the retained active topic was allowed and is set")
    }

    func testAClearCommittedWhileTheBrokerWasDownReachesAPersistentSubscriberAndTheRetainedSetFollowsTheLog() throws {
        var subscriber = try persistentSubscriber()
        var bridge = try startBridge(name: "bridge-1")
        try publishTemperature(35)
        let raisedLine = try XCTUnwrap(subscriber.waitForLines(count: 1, timeout: .seconds(20)).first)
        XCTAssertTrue(raisedLine.hasPrefix("alerts/critical/HotNow/gh-01 "), raisedLine)
        let active = try retainedActiveAlerts()
        XCTAssertEqual(active.count, 1)
        XCTAssertTrue(active.first?.hasPrefix("alerts/active/HotNow/gh-01 {\"type\":\"AlertRaised\"") == true, "\(active)")

        // The broker goes away; the rule is removed (the reload clears the alert); the bridge stops.
        subscriber.stop()
        try broker.stop()
        try writeRules(alert: "Freezing", when: "temperature < -40")
        bridge.child.send(signal: SIGHUP)
        try waitForStore(database) { try $0.alerts(filter: AlertFilter(type: .cleared)).count == 1 }
        bridge.child.terminate()
        XCTAssertEqual(try bridge.child.waitUntilExit(timeout: .seconds(30)), 0, bridge.child.standardError)

        // Both come back.
        try broker.start()
        subscriber = try persistentSubscriber()
        bridge = try startBridge(name: "bridge-2")
        let lines = try subscriber.waitForLines(count: 1, timeout: .seconds(30))
        let store = try TelemetryStore(path: database)
        let cleared = try XCTUnwrap(store.alerts(filter: AlertFilter(type: .cleared)).first)
        XCTAssertEqual(cleared.severity, "critical", "a clear carries its raise's severity")
        XCTAssertEqual(lines.last, "alerts/critical/HotNow/gh-01 \(cleared.id) \(cleared.event)",
                       "delivered exactly as stored, on its raise's topic family, with its id as correlation data")
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) {
            (try? store.deliveryStates().first { $0.sink == "mqtt" }?.pendingEvents) == 0
        })
        XCTAssertEqual(try retainedActiveAlerts(), [], "the log's firing set is empty, and so is the broker's retained set")
        XCTAssertEqual(try store.firingAlerts(), [])
        bridge.child.terminate()
        XCTAssertEqual(try bridge.child.waitUntilExit(timeout: .seconds(30)), 0)
    }

    func testReconnectingRestoresRetainedActiveAlertsABrokerLost() throws {
        // No persistence: a restarted broker has forgotten every retained message.
        broker = try MosquittoBroker(options: .init(extraConfiguration: ["persistence false"]))
        let bridge = try startBridge(name: "bridge")
        try publishTemperature(35, device: "gh-01")
        try publishTemperature(36, device: "gh-02")
        try waitForStore(database) { try $0.firingAlerts().count == 2 }
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) { (try? self.retainedActiveAlerts().count) == 2 })

        try broker.kill()
        try broker.start()
        XCTAssertTrue(waitUntil(timeout: .seconds(30)) { (try? self.retainedActiveAlerts().count) == 2 },
                      "the bridge republished the firing set after reconnecting")
        let retained = try retainedActiveAlerts().sorted()
        let firing = try TelemetryStore(path: database).firingAlerts().sorted { $0.device < $1.device }
        XCTAssertEqual(retained, firing.map { "alerts/active/HotNow/\($0.device) \($0.event)" })
        bridge.child.terminate()
        XCTAssertEqual(try bridge.child.waitUntilExit(timeout: .seconds(30)), 0)
    }

    func testAFailingWebhookIsReportedDegradedCountedAndListedThenCatchesUp() throws {
        let receiver = try HTTPReceiver { _ in .status(503, body: "maintenance") }
        let port = FreePort.next()
        let bridge = try startBridge(name: "bridge", extra: [
            "--http", "127.0.0.1:\(port)", "--webhook", receiver.url + "/hook", "--delivery-degraded-after", "0",
        ])
        try bridge.child.waitForOutput(containing: "dashboard listening", timeout: .seconds(10))
        let sink = "webhook:\(receiver.url)/hook"
        try publishTemperature(35)
        try receiver.waitForRequests(1)
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) { (try? httpGet(port, "/healthz").body.contains("degraded")) == true })
        let health = try httpGet(port, "/healthz")
        XCTAssertEqual(health.status, 200, "a failing sink degrades, it does not make the daemon unhealthy")
        XCTAssertTrue(health.body.contains(#""status":"degraded""#), health.body)
        XCTAssertTrue(health.body.contains(#""delivery:\#(sink)":"degraded: failing for"#), health.body)
        XCTAssertTrue(health.body.contains("HTTP 503"), health.body)
        XCTAssertTrue(health.body.contains(#""delivery:mqtt":"ok""#), health.body)

        // The MQTT sink confirms on its own thread: wait for its PUBACK round, not for a moment.
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) {
            guard let body = try? httpGet(port, "/metrics").body else { return false }
            return body.contains(#"telemetry_bridge_alert_deliveries_total{sink="mqtt"} 1"#)
                && body.contains(#"telemetry_bridge_alert_delivery_lag_events{sink="mqtt"} 0"#)
        })
        let metrics = try httpGet(port, "/metrics").body
        XCTAssertTrue(metrics.contains(#"telemetry_bridge_alert_delivery_lag_events{sink="\#(sink)"} 1"#), metrics)
        XCTAssertTrue(metrics.contains(#"telemetry_bridge_alert_delivery_lag_events{sink="mqtt"} 0"#), metrics)
        XCTAssertTrue(metrics.contains(#"telemetry_bridge_alert_delivery_failures_total{sink="\#(sink)"}"#), metrics)
        XCTAssertTrue(metrics.contains(#"telemetry_bridge_alert_deliveries_total{sink="mqtt"} 1"#), metrics)

        let failing = try BridgeProcess.command(["alerts", "deliveries", "--db", database], directory: directory, name: "deliveries-1")
        XCTAssertEqual(failing.status, 1, "a failing sink: exit code 1\n\(failing.stdout)\(failing.stderr)")
        let line = try XCTUnwrap(failing.stdout.split(separator: "\n").first { $0.hasPrefix(sink) })
        XCTAssertTrue(line.contains("failing since") && line.contains("HTTP 503"), String(line))

        receiver.answer { _ in .status(200) }
        let delivered = try receiver.waitForRequests(2, timeout: 60)
        XCTAssertEqual(delivered.last?.text, try TelemetryStore(path: database).alerts().first?.event)
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) { (try? httpGet(port, "/healthz").body.contains(#""status":"ok""#)) == true })
        let caughtUp = try BridgeProcess.command(["alerts", "deliveries", "--db", database, "--format", "jsonl"],
                                                 directory: directory, name: "deliveries-2")
        XCTAssertEqual(caughtUp.status, 0, caughtUp.stdout + caughtUp.stderr)
        XCTAssertTrue(caughtUp.stdout.contains(#""pendingEvents":0,"refusals":0,"sink":"\#(sink)""#), caughtUp.stdout)
        bridge.child.terminate()
        XCTAssertEqual(try bridge.child.waitUntilExit(timeout: .seconds(30)), 0)
    }

    /// 1,000 devices crossing the threshold back and forth, the bridge SIGKILLed ten times at
    /// random moments (seeded: TELEMETRY_BRIDGE_FUZZ_SEED): every event of the log reaches the
    /// persistent subscriber at least once, first arrivals in log order per (alert, device), and
    /// the broker's retained set ends equal to the log's firing set.
    func testEveryEventSurvivesTenKillsDuringAnAlertStorm() throws {
        let subscriber = try persistentSubscriber()
        var configuration = try MQTTConfiguration(url: broker.url)
        configuration.clientID = "storm-publisher"
        configuration.cleanSession = true
        let publisher = MQTTClient(configuration: configuration, logger: Logger(label: "storm"))
        try publisher.connect(subscriptions: []) { _ in }
        defer { publisher.disconnect() }
        var random = SplitMix64(seed: Fuzzing.seed)
        let devices = 1000
        let base = WallClock.milliseconds() - 3_600_000
        let store = try TelemetryStore(path: database)
        for wave in 0..<10 {
            let bridge = try startBridge(name: "storm-\(wave)")
            let before = try store.readingCount()
            for device in 0..<devices {
                let hot = (device + wave) % 2 == 0
                let payload = #"{"ts":\#(base + Int64(wave) * 60_000),"temp":\#(hot ? 35 : 25),"hum":50}"#
                try publisher.publish(topic: "greenhouse/north/d\(device)/climate", payload: Array(payload.utf8), qos: 1)
            }
            try publisher.flush(timeout: .seconds(30))
            // Killed somewhere in the wave's ingest (and so in the middle of delivering its events).
            let target = before + Int(random.next() % UInt64(2 * devices)) + 1
            XCTAssertTrue(waitUntil(timeout: .seconds(60)) { ((try? store.readingCount()) ?? 0) >= target })
            bridge.child.kill()
            _ = try bridge.child.waitUntilExit(timeout: .seconds(10))
        }
        let bridge = try startBridge(name: "storm-final")
        // Every reading in; the events the engine derived from them are what must be delivered. (How
        // many there are depends on the order the broker redelivers in after each kill: a reading
        // older than its device's latest does not rewind alerts.)
        XCTAssertTrue(waitUntil(timeout: .seconds(120)) { ((try? store.readingCount()) ?? 0) == 10 * devices * 2 })
        let expected = try store.alertCount()
        XCTAssertGreaterThan(expected, 10 * devices / 2)
        XCTAssertTrue(waitUntil(timeout: .seconds(120)) {
            (try? store.deliveryStates().first { $0.sink == "mqtt" }?.pendingEvents) == 0
        })
        let log = try store.alerts(filter: AlertFilter()).sorted { $0.at < $1.at || ($0.at == $1.at && $0.id < $1.id) }
        let logIDs = Set(log.map(\.id))
        var firstArrival: [String] = []
        XCTAssertTrue(waitUntil(timeout: .seconds(60), interval: .milliseconds(200)) {
            var seen = Set<String>()
            firstArrival = []
            for line in subscriber.lines {
                guard let range = line.range(of: #""id":""#) else { continue }
                let id = String(line[range.upperBound...].prefix { $0 != "\"" })
                if seen.insert(id).inserted { firstArrival.append(id) }
            }
            return logIDs.isSubset(of: seen)
        }, "\(logIDs.subtracting(firstArrival).count) of \(logIDs.count) events never reached the subscriber")
        let pairOf = Dictionary(uniqueKeysWithValues: log.map { ($0.id, "\($0.alert)/\($0.device)") })
        var arrivedPerPair: [String: [String]] = [:]
        for id in firstArrival { if let pair = pairOf[id] { arrivedPerPair[pair, default: []].append(id) } }
        var loggedPerPair: [String: [String]] = [:]
        for event in try store.alertEvents(after: 0, limit: expected + 1) {
            loggedPerPair["\(event.record.alert)/\(event.record.device)", default: []].append(event.record.id)
        }
        XCTAssertEqual(arrivedPerPair.filter { loggedPerPair[$0.key] != $0.value }.count, 0, "per (alert, device), first arrivals follow the log")

        let firing = try store.firingAlerts()
        XCTAssertFalse(firing.isEmpty)
        XCTAssertEqual(try retainedActiveAlerts().sorted(),
                       firing.map { "alerts/active/HotNow/\($0.device) \($0.event)" }.sorted())
        bridge.child.terminate()
        XCTAssertEqual(try bridge.child.waitUntilExit(timeout: .seconds(30)), 0)
    }

    func testAnAlertCarriesTheTraceOfTheMessageThatCausedIt() throws {
        let subscriber = try MosquittoSubscription(broker.clientOptions(), topics: ["alerts/critical/#"], format: "%D %p",
                                                   extraArguments: ["-V", "5"])
        subscriptions.append(subscriber)
        _ = try startBridge(name: "bridge")
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let now = WallClock.milliseconds()
        try MosquittoClients.publish(broker.clientOptions(), topic: "greenhouse/north/gh-05/climate",
                                     payload: .text(#"{"ts":\#(now),"temp":36,"hum":50}"#), qos: 1,
                                     extraArguments: ["-V", "5", "-D", "publish", "correlation-data", "req-42",
                                                      "-D", "publish", "user-property", "traceparent", traceparent])
        let line = try XCTUnwrap(subscriber.waitForLines(count: 1, timeout: .seconds(20)).first)
        let event = try XCTUnwrap(TelemetryStore(path: database).alerts().first)
        XCTAssertEqual(line, "\(event.id) \(event.event)", "published with its id as correlation data")
        XCTAssertTrue(event.event.contains(#""cause":{"topic":"greenhouse/north/gh-05/climate","at":"#), event.event)
        XCTAssertTrue(event.event.contains(#""traceparent":"\#(traceparent)","correlationData":"cmVxLTQy"}"#), event.event)
    }
}
