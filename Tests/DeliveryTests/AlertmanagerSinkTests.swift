@testable import Delivery
import Foundation
import Logging
import Storage
import Telemetry
import TestSupport
import XCTest

/// The Alertmanager sink against a real Alertmanager, whose webhook receiver is a test server.
final class AlertmanagerSinkTests: XCTestCase {
    func testAFiringAlertAppearsWithItsLabelsIsNotifiedAndIsResolvedByTheClear() throws {
        try XCTSkipUnless(AlertmanagerServer.isInstalled, "prometheus-alertmanager is not installed (.ci/run installs it)")
        let notifications = try HTTPReceiver()
        let alertmanager = try AlertmanagerServer(webhookURL: notifications.url + "/notify")
        let fixture = try DeliveryFixture()
        let now = WallClock.milliseconds()
        let raised = try fixture.raise(device: "greenhouse/1", at: now - 60_000, labels: ["room": "lab", "floor-level": "2"],
                                       annotations: ["runbook": "https://wiki/hot"])
        let poster = HTTPPoster(timeout: 5000)
        defer { poster.shutdown() }
        let sink = AlertmanagerSink(target: AlertmanagerTarget(url: try XCTUnwrap(URL(string: alertmanager.url))), poster: poster,
                                    store: fixture.store, externalURL: "http://bridge.example:8080", resendInterval: 60_000)
        let delivery = try Self.startDelivery(sink, store: fixture.store)
        defer { delivery.stop() }

        var active: [String: Any] = [:]
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) {
            guard let alert = try? alertmanager.alerts().first else { return false }
            active = alert
            return true
        }, alertmanager.log)
        let labels = try XCTUnwrap(active["labels"] as? [String: String])
        XCTAssertEqual(labels, ["alertname": "HotNow", "device": "greenhouse/1", "device_type": "climate", "severity": "critical",
                                "room": "lab", "floor_level": "2"])
        let annotations = try XCTUnwrap(active["annotations"] as? [String: String])
        XCTAssertEqual(annotations["message"], "greenhouse/1 is hot")
        XCTAssertEqual(annotations["runbook"], "https://wiki/hot")
        XCTAssertEqual(active["generatorURL"] as? String, "http://bridge.example:8080/devices/greenhouse%2F1")
        XCTAssertEqual((active["status"] as? [String: Any])?["state"] as? String, "active")
        XCTAssertEqual((active["startsAt"] as? String).flatMap { TimestampParser.milliseconds(text: $0) }, raised.at)

        // Alertmanager's own webhook notifier fires for it.
        let firing = try notifications.waitForRequests(1).first
        XCTAssertTrue(firing?.text.contains("\"status\":\"firing\"") == true, firing?.text ?? "")
        XCTAssertTrue(firing?.text.contains("greenhouse/1") == true)

        try fixture.clear(raised, at: now - 1000)
        delivery.wake()
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) { (try? alertmanager.alerts().isEmpty) == true },
                      "the clear resolves the alert: \((try? alertmanager.alerts()) ?? [])")
        let resolved = try notifications.waitForRequests(2)[1]
        XCTAssertTrue(resolved.text.contains("\"status\":\"resolved\""), resolved.text)
    }

    /// A dispatcher from the log's start that retries quickly, started.
    private static func startDelivery(_ sink: AlertmanagerSink, store: TelemetryStore) throws -> DeliveryDispatcher {
        var settings = DeliveryDispatcher.Settings()
        settings.fromStart = true
        settings.backoff = DeliveryBackoff(initial: 10, maximum: 100)
        let delivery = DeliveryDispatcher(sink: sink, store: store, logger: Logger(label: "test"), settings: settings)
        try delivery.start()
        return delivery
    }

    func testAnAcknowledgementSilencesTheAlertInAlertmanagerUntilItClears() throws {
        try XCTSkipUnless(AlertmanagerServer.isInstalled, "prometheus-alertmanager is not installed (.ci/run installs it)")
        let notifications = try HTTPReceiver()
        let alertmanager = try AlertmanagerServer(webhookURL: notifications.url + "/notify")
        let fixture = try DeliveryFixture()
        let now = WallClock.milliseconds()
        let raised = try fixture.raise(device: "gh-7", at: now - 60_000)
        let poster = HTTPPoster(timeout: 5000)
        defer { poster.shutdown() }
        let sink = AlertmanagerSink(target: AlertmanagerTarget(url: try XCTUnwrap(URL(string: alertmanager.url))), poster: poster,
                                    store: fixture.store, externalURL: nil, resendInterval: 60_000)
        let delivery = try Self.startDelivery(sink, store: fixture.store)
        defer { delivery.stop() }
        XCTAssertTrue(try notifications.waitForRequests(1)[0].text.contains("\"status\":\"firing\""))

        // Acknowledged: one silence of exactly this alert; Alertmanager suppresses it.
        try fixture.operatorEvent(acknowledging: raised, at: now)
        delivery.wake()
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) {
            ((try? alertmanager.alerts().first?["status"] as? [String: Any])??["state"] as? String) == "suppressed"
        }, "alerts: \((try? alertmanager.alerts()) ?? [])")
        let silences = try alertmanager.silences()
        XCTAssertEqual(silences.count, 1)
        let silence = try XCTUnwrap(silences.first)
        XCTAssertEqual((silence["status"] as? [String: Any])?["state"] as? String, "active")
        XCTAssertEqual(silence["createdBy"] as? String, "ana")
        XCTAssertTrue((silence["comment"] as? String)?.contains("seen (raise \(raised.id), until it clears)") == true, "\(silence)")
        let matchers = try XCTUnwrap(silence["matchers"] as? [[String: Any]]).map { "\($0["name"] ?? "")=\($0["value"] ?? "")" }
        XCTAssertEqual(Set(matchers), ["alertname=HotNow", "device=gh-7"])
        let silenceID = try XCTUnwrap(silence["id"] as? String)
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) {
            (try? fixture.store.sinkSilence(sink: sink.name, raisedID: raised.id)) == silenceID
        }, "recorded (just after Alertmanager answered) so the clear can expire it")

        // Cleared: the silence is expired first, so the resolve is notified; the clear is dated a
        // second ahead (a device clock running ahead) and still resolves at once.
        try fixture.clear(raised, at: now + 1000)
        delivery.wake()
        XCTAssertTrue(waitUntil(timeout: .seconds(20)) { (try? alertmanager.alerts().isEmpty) == true },
                      "\(delivery.status) \((try? alertmanager.alerts()) ?? []) \((try? alertmanager.silences()) ?? [])")
        let resolved = try notifications.waitForRequests(2)[1]
        XCTAssertTrue(resolved.text.contains("\"status\":\"resolved\""), resolved.text)
        XCTAssertEqual((try alertmanager.silences().first?["status"] as? [String: Any])?["state"] as? String, "expired")
        XCTAssertNil(try fixture.store.sinkSilence(sink: sink.name, raisedID: raised.id))
        XCTAssertEqual(try fixture.store.deliveryRefusals(sink: sink.name), [])
    }

    func testAClearWhoseRaiseIsNotInTheLogIsRefusedAndTheRestIsSent() throws {
        let fixture = try DeliveryFixture()
        // A raise that was never stored (a log cut by hand): its clear cannot be resolved, for good.
        let ghost = AlertRecord(id: "r-ghost", type: .raised, alert: "HotNow", device: "d9", severity: "critical", at: 500,
                                value: 35, event: "{}")
        let orphan = try fixture.clear(ghost, at: 1_000)
        let raised = try fixture.raise(device: "d2", at: 2_000)
        let receiver = try HTTPReceiver()
        let poster = HTTPPoster(timeout: 2000)
        defer { poster.shutdown() }
        let sink = AlertmanagerSink(target: AlertmanagerTarget(url: try XCTUnwrap(URL(string: receiver.url))), poster: poster,
                                    store: fixture.store, externalURL: nil, clock: { 9_000 })
        let events = try fixture.store.alertEvents(after: 0, limit: 10)
        let outcome = sink.deliver(events)
        XCTAssertNil(outcome.failure)
        XCTAssertEqual(outcome.confirmedThrough, events.last?.sequence)
        XCTAssertEqual(outcome.refusals.map(\.eventID), [orphan.id])
        XCTAssertEqual(outcome.refusals.first?.reason, "not sendable")
        XCTAssertEqual(outcome.refusals.first?.at, 9_000, "the injected clock")
        XCTAssertTrue(outcome.refusals.first?.response.contains("no longer in the alert log") == true)
        XCTAssertEqual(receiver.requests.count, 1)
        XCTAssertTrue(receiver.requests.first?.text.contains("\"device\":\"d2\"") == true)
        _ = raised
    }

    func testSilencedAlertsAndOperatorsEventsAreNotSentNorResent() throws {
        let fixture = try DeliveryFixture()
        try fixture.operatorEvent(silence: "s1", at: 500)
        let muted = try fixture.raise(device: "muted", at: 1000, silenced: "s1")
        try fixture.operatorEvent(acknowledging: muted, at: 1500)
        let loud = try fixture.raise(device: "loud", at: 2000)
        let receiver = try HTTPReceiver()
        let poster = HTTPPoster(timeout: 2000)
        defer { poster.shutdown() }
        let sink = AlertmanagerSink(target: AlertmanagerTarget(url: try XCTUnwrap(URL(string: receiver.url))), poster: poster,
                                    store: fixture.store, externalURL: nil, resendInterval: 1000, clock: { 3000 })
        let outcome = sink.deliver(try fixture.store.alertEvents(after: 0, limit: 10))
        XCTAssertEqual(outcome.confirmedThrough, 4)
        XCTAssertEqual(outcome.refusals, [])
        XCTAssertEqual(receiver.requests.count, 1)
        XCTAssertTrue(receiver.requests[0].text.contains("\"device\":\"loud\""), receiver.requests[0].text)
        XCTAssertFalse(receiver.requests[0].text.contains("muted"), receiver.requests[0].text)
        let cleared = try fixture.clear(muted, at: 2500)
        XCTAssertEqual(sink.deliver([LoggedAlertEvent(sequence: 5, record: cleared)]).confirmedThrough, 5)
        XCTAssertEqual(receiver.requests.count, 1, "the clear of a silenced raise is not sent either")
        try fixture.raise(device: "muted", at: 2600, silenced: "s1")
        try sink.prepare(cursor: 6, now: 10_000)
        XCTAssertEqual(receiver.requests.count, 2)
        XCTAssertTrue(receiver.requests[1].text.contains("\"device\":\"loud\""))
        XCTAssertFalse(receiver.requests[1].text.contains("muted"), "a silenced firing alert is not re-sent: \(receiver.requests[1].text)")
        _ = loud
    }

    func testFiringAlertsAreResentAndLabelNamesAreMadeValid() throws {
        XCTAssertEqual(AlertmanagerSink.labelName("floor-level"), "floor_level")
        XCTAssertEqual(AlertmanagerSink.labelName("2nd"), "_2nd")
        XCTAssertEqual(AlertmanagerSink.labelName(""), "_")
        XCTAssertEqual(AlertmanagerSink.labelName("ünit"), "_nit")

        let fixture = try DeliveryFixture()
        let raised = try fixture.raise(at: 1_000)
        let receiver = try HTTPReceiver()
        let poster = HTTPPoster(timeout: 2000)
        defer { poster.shutdown() }
        let sink = AlertmanagerSink(target: AlertmanagerTarget(url: try XCTUnwrap(URL(string: receiver.url + "/am/"))), poster: poster,
                                    store: fixture.store, externalURL: nil, resendInterval: 1000)
        // Nothing confirmed yet: nothing firing to re-send.
        try sink.prepare(cursor: 0, now: 10_000)
        XCTAssertEqual(receiver.requests.count, 0)
        try sink.prepare(cursor: 1, now: 10_500)
        XCTAssertEqual(receiver.requests.count, 0, "not due yet")
        try sink.prepare(cursor: 1, now: 11_000)
        XCTAssertEqual(receiver.requests.count, 1)
        let resent = try XCTUnwrap(receiver.requests.last)
        XCTAssertEqual(resent.path, "/am/api/v2/alerts")
        XCTAssertTrue(resent.text.contains("\"alertname\":\"HotNow\""), resent.text)
        XCTAssertTrue(resent.text.contains("\"endsAt\":\"1970-01-01T00:00:15Z\""), "valid for four resend intervals: \(resent.text)")
        XCTAssertFalse(resent.text.contains("generatorURL"))
        _ = raised
    }
}
