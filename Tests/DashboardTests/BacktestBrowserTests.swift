import Foundation
import Rules
import TestSupport
import XCTest

/// The device page's backtest, clicked in headless chromium over the DevTools protocol: a draft
/// pasted, replayed beside the current rules, its alerts drawn under the charts, the counts shown.
final class BacktestBrowserTests: BrowserTestCase {
    static let schema = RuleSchema(types: [.init(name: "climate-sensor", metrics: ["temperature", "humidity"], labels: ["site", "note"])])

    /// gh-01 warms from 20 °C by 0.05 °C a minute: above 27 from minute 141.
    override class func serverRules() throws -> RuleSet? {
        try RuleSet.parse(files: [("live.yaml", "rules:\n  - alert: Warm\n    devices: climate-sensor\n    when: temperature > 27\n")],
                          schema: schema)
    }

    func testABacktestDrawsTheDraftsAlertsAndCountsTheDifferences() async throws {
        let profile = try TemporaryDirectory(prefix: "chromium-cdp")
        defer { profile.remove() }
        let chromium = self.chromium
        let page = url("/devices/gh-01?live=0").absoluteString
        let draft = "rules:\n  - alert: Warm\n    devices: climate-sensor\n    when: temperature > 25\n"
        let broken = "rules:\n  - alert: Warm\n    devices: climate-sensor\n    when: temprature > 25\n"
        let session = try await ChromiumSession.run { try ChromiumSession(chromium: chromium, profile: profile.path) }
        defer { session.close() }
        let (ready, summary, strips, error) = try await ChromiumSession.run { () -> (Bool, String?, Int?, String?) in
            try session.open(page)
            let ready = try session.waitFor("document.body && document.body.dataset.ready === '1' && !!document.getElementById('backtest-run')"
                                            + " && document.querySelectorAll('.chart-card svg').length > 0")
            func run(_ text: String) throws {
                _ = try session.evaluate("""
                    (() => { const area = document.getElementById('backtest-draft'); area.value = \(Self.jsString(text));
                      document.getElementById('backtest-result').removeAttribute('data-done');
                      document.getElementById('backtest-run').click(); })()
                    """)
                _ = try session.waitFor("document.getElementById('backtest-result').dataset.done === '1'")
            }
            try run(draft)
            let summary = try session.evaluate("document.getElementById('backtest-summary')?.textContent ?? null") as? String
            let strips = try session.evaluate("document.querySelectorAll('.chart-card rect.draft-band[data-alert=\"Warm\"]').length") as? Int
            try run(broken)
            let error = try session.evaluate("document.querySelector('#backtest-result .backtest-error')?.textContent ?? null") as? String
            return (ready, summary, strips, error)
        }
        XCTAssertTrue(ready, "the device page did not render its backtest panel")
        let text = try XCTUnwrap(summary)
        XCTAssertTrue(text.contains("0 added, 0 removed, 1 moved"), text)
        XCTAssertTrue(text.contains("1 alert now, 1 with the draft"), text)
        XCTAssertEqual(strips, 2, "one strip per chart (temperature, humidity)")
        XCTAssertTrue(error?.contains("draft.yaml:4:11") ?? false, error ?? "no error shown")
    }

    private static func jsString(_ text: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [text])
        return data.map { String(decoding: $0, as: UTF8.self) }.map { String($0.dropFirst().dropLast()) } ?? "''"
    }
}
