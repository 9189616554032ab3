import Foundation
import Operations
import Rules
import TestSupport
import XCTest

/// The dashboard's pages rendered by headless chromium from a real server over a seeded database.
/// `live=0` keeps the pages from opening the event stream so chromium's virtual time can run out.
final class BrowserTests: BrowserTestCase {
    private func iso(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1_000))
    }

    private func value(_ dom: BrowserDOM, device: String, metric: String, file: StaticString = #filePath, line: UInt = #line) throws -> Double {
        let overview = try XCTUnwrap(dom.first(attributes: ["id": "overview"]), "no #overview", file: file, line: line)
        let row = try XCTUnwrap(dom.first("tr", attributes: ["data-device": device], within: overview), "no row for \(device)", file: file, line: line)
        let cell = try XCTUnwrap(dom.first("td", classes: ["value"], attributes: ["data-metric": metric], within: row),
                                 "no \(metric) cell for \(device)", file: file, line: line)
        return try XCTUnwrap(cell["data-value"].flatMap(Double.init), "\(device)/\(metric): \(cell.attributes)", file: file, line: line)
    }

    private func firingAlertIDs(_ dom: BrowserDOM, device: String) throws -> [String] {
        let row = try XCTUnwrap(dom.first("tr", attributes: ["data-device": device]))
        return dom.all(classes: ["firing-alert"], within: row).compactMap { $0["data-alert-id"] }
    }

    func testOverviewListsEveryDeviceWithLatestValuesAndSparklines() async throws {
        let dom = try await dom("/?live=0")
        let last = Self.minutes - 1
        let expected: [(String, String, Double)] = [
            ("gh-01", "temperature", Self.temperature("gh-01", last)), ("gh-01", "humidity", Self.humidity("gh-01", last)),
            ("gh-02", "temperature", Self.temperature("gh-02", last)), ("gh-02", "humidity", Self.humidity("gh-02", last)),
            ("meter-1", "power", Self.power(last)),
        ]
        for (device, metric, latest) in expected {
            XCTAssertEqual(try value(dom, device: device, metric: metric), latest, "\(device)/\(metric)")
            let row = try XCTUnwrap(dom.first("tr", attributes: ["data-device": device]))
            let cell = try XCTUnwrap(dom.first("td", classes: ["value"], attributes: ["data-metric": metric], within: row))
            let line = try XCTUnwrap(dom.first("path", classes: ["spark-line"], within: cell), "no sparkline for \(device)/\(metric)")
            XCTAssertGreaterThan(Int(line["data-points"] ?? "") ?? 0, 1, "\(device)/\(metric)")
            XCTAssertGreaterThan((line["d"] ?? "").filter { $0 == "L" }.count, 0, "\(device)/\(metric)")
        }
        XCTAssertEqual(Set(dom.all("tr").compactMap { $0["data-device"] }), ["gh-01", "gh-02", "meter-1"])
        XCTAssertEqual(try firingAlertIDs(dom, device: "gh-01"), ["raise-b"])
        XCTAssertEqual(try firingAlertIDs(dom, device: "gh-02"), [])
        XCTAssertNil(dom.first(attributes: ["id": "viewing-at"]), "live view shows a time-travel banner")
        XCTAssertEqual(dom.first(attributes: ["id": "live-status"]).map(dom.text(of:)), "paused")
        XCTAssertEqual(dom.first(attributes: ["id": "firing-count"]).map(dom.text(of:)), "1")
        XCTAssertEqual(dom.first(attributes: ["id": "device-count"]).map(dom.text(of:)), "3")
        // A label with markup is shown as text, never parsed.
        XCTAssertTrue(dom.all("img").isEmpty, "a label became an <img> element")
        let gh01 = try XCTUnwrap(dom.first("tr", attributes: ["data-device": "gh-01"]))
        XCTAssertTrue(dom.text(of: gh01).contains(Self.hostileLabel))
    }

    func testTimeTravelShowsTheValuesAndAlertsAtThatMoment() async throws {
        let travel = at(Self.travelMinute)
        let dom = try await dom("/?at=\(iso(travel))&live=0")
        let banner = try XCTUnwrap(dom.first(attributes: ["id": "viewing-at"]), "no time-travel banner")
        XCTAssertEqual(banner["data-at"], iso(travel))
        XCTAssertEqual(try value(dom, device: "gh-01", metric: "temperature"), Self.temperature("gh-01", Self.travelMinute))
        XCTAssertNotEqual(Self.temperature("gh-01", Self.travelMinute), Self.temperature("gh-01", Self.minutes - 1))
        XCTAssertEqual(try value(dom, device: "meter-1", metric: "power"), Self.power(Self.travelMinute))
        XCTAssertEqual(try firingAlertIDs(dom, device: "gh-01"), ["raise-a"], "the alert firing at T, not the later one")
        for link in dom.all("a", attributes: ["data-nav": ""]) where (link["href"] ?? "").hasPrefix("/devices/") {
            XCTAssertTrue(link["href"]?.contains("at=") ?? false, "device link loses the time: \(link["href"] ?? "")")
        }
    }

    func testDevicePageDrawsEveryMetricWithEnvelopeAverageAndAlertBands() async throws {
        let dom = try await dom("/devices/gh-01?live=0")
        for metric in ["humidity", "temperature"] {
            let chart = try XCTUnwrap(dom.first("svg", classes: ["chart"], attributes: ["data-metric": metric]), "no \(metric) chart")
            let envelope = try XCTUnwrap(dom.first("path", classes: ["envelope"], within: chart))
            XCTAssertTrue((envelope["d"] ?? "").hasSuffix("Z"), metric)
            let avg = try XCTUnwrap(dom.first("path", classes: ["avg"], within: chart))
            XCTAssertGreaterThan(Int(avg["data-points"] ?? "") ?? 0, 1, metric)
            XCTAssertGreaterThan((avg["d"] ?? "").filter { $0 == "L" }.count, 1, metric)
            let cleared = dom.all("rect", classes: ["alert-band", "cleared"], within: chart).compactMap { $0["data-alert-id"] }
            let firing = dom.all("rect", classes: ["alert-band", "firing"], within: chart).compactMap { $0["data-alert-id"] }
            XCTAssertEqual(cleared, ["raise-a"], metric)
            XCTAssertEqual(firing, ["raise-b"], metric)
            XCTAssertEqual(dom.first("text", classes: ["unit-label"], within: chart).map(dom.text(of:)), metric == "humidity" ? "%" : "°C")
        }
        let table = try XCTUnwrap(dom.first("table", attributes: ["id": "device-alerts"]))
        let rows = dom.all("tr", classes: ["alert-row"], within: table)
        XCTAssertEqual(rows.compactMap { $0["data-alert-id"] }, ["raise-b", "raise-a"])
        XCTAssertTrue(rows.first?.hasClass("firing") ?? false)
    }

    func testDevicePageRangeAndTimeTravelMoveTheChartsEnd() async throws {
        let lastHour = try await dom("/devices/gh-01?range=1h&live=0")
        let chart = try XCTUnwrap(lastHour.first("svg", classes: ["chart"], attributes: ["data-metric": "temperature"]))
        XCTAssertGreaterThan(Int(lastHour.first("path", classes: ["avg"], within: chart)?["data-points"] ?? "") ?? 0, 1)
        XCTAssertEqual(lastHour.all("rect", classes: ["alert-band"], within: chart).compactMap { $0["data-alert-id"] }, ["raise-b"],
                       "the alert cleared two hours ago is outside the last hour")

        let travel = try await dom("/devices/gh-01?at=\(iso(at(Self.travelMinute)))&live=0")
        let past = try XCTUnwrap(travel.first("svg", classes: ["chart"], attributes: ["data-metric": "temperature"]))
        XCTAssertEqual(travel.all("rect", classes: ["alert-band", "firing"], within: past).compactMap { $0["data-alert-id"] }, ["raise-a"],
                       "at T the first alert is still firing and the second not raised")
        XCTAssertTrue(travel.all("rect", classes: ["alert-band", "cleared"], within: past).isEmpty)
        XCTAssertNotNil(travel.first(attributes: ["id": "viewing-at"]))
    }

    func testAlertHistoryAndDeadLettersAreListedAsText() async throws {
        let alerts = try await dom("/alerts?live=0")
        let history = try XCTUnwrap(alerts.first("table", attributes: ["id": "alert-history"]))
        let events = alerts.all("tr", classes: ["alert-event"], within: history)
        XCTAssertEqual(events.compactMap { $0["data-alert-id"] }, ["raise-b", "clear-a", "raise-a"])
        XCTAssertEqual(alerts.all("td", classes: ["deliveries"], within: history).compactMap { $0["data-deliveries"] }, [
            "hook: refused (HTTP 400); mqtt: pending", "hook: delivered; mqtt: delivered", "hook: delivered; mqtt: delivered",
        ], "the history shows where each event went")

        let letters = try await dom("/deadletters?live=0")
        let table = try XCTUnwrap(letters.first("table", attributes: ["id": "deadletters"]))
        let rows = letters.all("tr", classes: ["deadletter"], within: table)
        XCTAssertEqual(rows.compactMap { $0["data-reason"] }, ["malformed_json", "unknown_topic"])
        XCTAssertTrue(rows.last.map(letters.text(of:))?.contains(Self.hostilePayload) ?? false)
        XCTAssertEqual(letters.all("script").count, 1, "a payload became a <script> element")
    }

    func testAFiringAlertOffersAcknowledgeAndShowsWhoAcknowledgedItThenAndAfter() async throws {
        var page = try await dom("/?live=0")
        var list = try XCTUnwrap(page.first("section", classes: ["firing-list"]))
        XCTAssertEqual(page.all("button", classes: ["ack-button"], within: list).compactMap { $0["data-ack"] }, ["raise-b"])
        XCTAssertTrue(page.all(classes: ["acknowledged"], within: list).isEmpty)

        _ = try AlertOperator(store: store).acknowledge(AcknowledgeRequest(alert: Self.alert, device: "gh-01", by: "ana", comment: "venting"),
                                                          now: Int64(Date().timeIntervalSince1970 * 1_000))
        page = try await dom("/?live=0")
        list = try XCTUnwrap(page.first("section", classes: ["firing-list"]))
        XCTAssertTrue(page.all("button", classes: ["ack-button"], within: list).isEmpty, "acknowledged: no button")
        let badge = try XCTUnwrap(page.first(classes: ["acknowledged"], within: list))
        XCTAssertEqual(badge["data-acknowledged-by"], "ana")
        XCTAssertTrue(page.text(of: badge).hasPrefix("acknowledged by ana"), page.text(of: badge))

        // Before the acknowledgement (time travel): firing, not acknowledged, and no button in the past.
        page = try await dom("/?at=\(iso(at(Self.firingRaise + 5)))&live=0")
        list = try XCTUnwrap(page.first("section", classes: ["firing-list"]))
        XCTAssertEqual(page.all("li", within: list).compactMap { $0["data-alert-id"] }, ["raise-b"])
        XCTAssertTrue(page.all(classes: ["acknowledged"], within: list).isEmpty)
        XCTAssertTrue(page.all("button", classes: ["ack-button"], within: list).isEmpty)
    }

    /// A real click: chromium driven over the DevTools protocol clicks Acknowledge, answers the
    /// two prompts (name, comment), and the page repaints the alert as acknowledged by the
    /// event the server stored.
    func testClickingAcknowledgeAcknowledgesTheAlertAndThePageShowsIt() async throws {
        let profile = try TemporaryDirectory(prefix: "chromium-cdp")
        defer { profile.remove() }
        let chromium = self.chromium
        let page = url("/?live=0").absoluteString
        let session = try await ChromiumSession.run { try ChromiumSession(chromium: chromium, profile: profile.path) }
        defer { session.close() }
        let (ready, clicked, shown) = try await ChromiumSession.run { () -> (Bool, Bool, String?) in
            try session.open(page)
            let ready = try session.waitFor("document.body && document.body.dataset.ready === '1' && !!document.querySelector('button.ack-button')")
            session.answerDialogs(["ana", "venting"])
            _ = try session.evaluate("document.querySelector('button.ack-button[data-ack=\"raise-b\"]').click()")
            let clicked = try session.waitFor("!!document.querySelector('.firing-list .acknowledged')")
            let shown = try session.evaluate("document.querySelector('.firing-list .acknowledged').dataset.acknowledgedBy") as? String
            return (ready, clicked, shown)
        }
        XCTAssertTrue(ready, "the overview did not render its Acknowledge button")
        XCTAssertEqual(session.dialogs, ["Acknowledge as", "Comment (optional)"])
        XCTAssertTrue(clicked, "the page never showed the acknowledgement")
        XCTAssertEqual(shown, "ana")
        let stored = try XCTUnwrap(store.operatorEvents().last?.record)
        XCTAssertEqual(stored.type, .acknowledged)
        XCTAssertEqual(stored.raisedID, "raise-b")
        XCTAssertTrue(stored.event.contains(#""by":"ana","comment":"venting""#), stored.event)
    }

    func testTheSilencesPageListsSilencesAndPreviewsOneFromItsAddress() async throws {
        let operations = AlertOperator(store: store)
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let active = try operations.silence(SilenceRequest(matchers: try SilenceMatchers(alert: nil, device: "gh-*", where: nil),
                                                           endsAt: now + 3_600_000, by: "ana", comment: "repair"), now: now)
        let ended = try operations.silence(SilenceRequest(matchers: try SilenceMatchers(alert: Self.alert, device: nil, where: nil),
                                                          endsAt: now + 3_600_000, by: "bo"), now: now)
        _ = try operations.unsilence(UnsilenceRequest(id: ended.record.id, by: "cy"), now: now + 1)

        var page = try await dom("/silences?live=0")
        var table = try XCTUnwrap(page.first("table", attributes: ["id": "silences"]))
        XCTAssertEqual(page.all("tr", classes: ["silence"], within: table).compactMap { $0["data-silence-id"] }, [active.record.id])
        let row = try XCTUnwrap(page.first("tr", classes: ["silence"], within: table))
        XCTAssertTrue(page.text(of: row).contains("device = gh-*"), page.text(of: row))
        XCTAssertNotNil(page.first("button", classes: ["end-silence"], within: row))

        page = try await dom("/silences?all=true&live=0")
        table = try XCTUnwrap(page.first("table", attributes: ["id": "silences"]))
        XCTAssertEqual(page.all("tr", classes: ["silence"], within: table).compactMap { $0["data-state"] }, ["active", "expired"])

        // The preview of an address: gh-01's raises of the last 7 days (raise-a and raise-b).
        page = try await dom("/silences?device=gh-01&preview=true&live=0")
        let preview = try XCTUnwrap(page.first("section", attributes: ["id": "silence-preview"]))
        XCTAssertEqual(preview["data-total"], "2")
        XCTAssertEqual(page.all("li", within: preview).compactMap { $0["data-alert-id"] }, ["raise-b", "raise-a"])
        XCTAssertEqual(page.first("input", attributes: ["id": "silence-device"])?["value"], "gh-01")
        page = try await dom("/silences?where=site%20%3D%3D&preview=true&live=0")
        let refused = try XCTUnwrap(page.first("section", attributes: ["id": "silence-preview"]))
        XCTAssertTrue(page.text(of: refused).hasPrefix("where: "), page.text(of: refused))
    }
}
