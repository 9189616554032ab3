import Rules
import Telemetry
import XCTest

/// `RuleEngine.pendingAlerts`: which (rule, device) pairs wait for their `for`, since when.
final class PendingInspectionTests: XCTestCase {
    private let yaml = """
        rules:
          - alert: Hot
            devices: climate-sensor
            when: last(temperature) > 30
            for: 5m
            severity: critical
            message: hot
          - alert: Humid
            devices: climate-sensor
            when: last(humidity) > 90
            for: 10m
            severity: warning
            message: humid
          - alert: Instant
            devices: climate-sensor
            when: last(temperature) > 50
            severity: info
            message: instant
        """

    func testListsPendingPairsWithTheirStartAndDeadlineUntilTheyFireOrStopHolding() throws {
        var engine = RuleEngine(rules: try ruleSet(yaml))
        let gh02 = Device(id: "gh-02", type: "climate-sensor", labels: ["site": "south"])
        XCTAssertEqual(engine.pendingAlerts, [])

        _ = engine.feed(gh01, "temperature", [20, 31, 32], start: 0)
        _ = engine.feed(gh02, "humidity", [95], start: 90_000)
        XCTAssertEqual(engine.pendingAlerts, [
            PendingAlert(alert: "Hot", device: "gh-01", severity: .critical, since: minute, firesAt: 6 * minute),
            PendingAlert(alert: "Humid", device: "gh-02", severity: .warning, since: 90_000, firesAt: 90_000 + 10 * minute),
        ])

        // Hot fires at 6m: no longer pending; gh-02 stops being humid: back to inactive silently.
        let events = engine.feed(gh01, "temperature", [33], start: 7 * minute)
        XCTAssertEqual(summary(events), ["AlertRaised Hot gh-01 at 6m value 32"])
        _ = engine.feed(gh02, "humidity", [50], start: 2 * minute)
        XCTAssertEqual(engine.pendingAlerts, [])
        XCTAssertEqual(engine.state(of: "Hot", device: "gh-01"), .firing)
    }

    func testARuleWithoutForIsNeverListedOnceItFires() throws {
        var engine = RuleEngine(rules: try ruleSet(yaml))
        let events = engine.feed(gh01, "temperature", [60], start: 0)
        XCTAssertEqual(summary(events), ["AlertRaised Instant gh-01 at 0s value 60"])
        XCTAssertEqual(engine.pendingAlerts.map(\.alert), ["Hot"])
    }
}

/// `advanceFindingOnsets(to:)`: time-driven rules change state when they would have on a ticking clock.
final class OnsetAdvanceTests: XCTestCase {
    private let yaml = """
        rules:
          - alert: Quiet
            devices: climate-sensor
            when: silent(10m)
            for: 5m
            severity: warning
            message: quiet
        """

    func testASilenceIsPendingSinceItBeganNotSinceTheAdvance() throws {
        var engine = RuleEngine(rules: try ruleSet(yaml))
        _ = engine.feed(gh01, "temperature", [20], start: 0)
        var plain = engine
        XCTAssertEqual(engine.advanceFindingOnsets(to: 12 * minute), [])
        XCTAssertEqual(engine.pendingAlerts, [
            PendingAlert(alert: "Quiet", device: "gh-01", severity: .warning, since: 10 * minute, firesAt: 15 * minute),
        ])
        _ = plain.advance(to: 12 * minute)
        XCTAssertEqual(plain.pendingAlerts.map(\.since), [12 * minute])
    }

    func testFiresAtTheDeadlineAndNothingChangesBeforeTheOnset() throws {
        var engine = RuleEngine(rules: try ruleSet(yaml))
        _ = engine.feed(gh01, "temperature", [20], start: 0)
        XCTAssertEqual(engine.advanceFindingOnsets(to: 10 * minute - 1), [])
        XCTAssertEqual(engine.pendingAlerts, [])
        XCTAssertEqual(summary(engine.advanceFindingOnsets(to: 20 * minute)), ["AlertRaised Quiet gh-01 at 15m value 900"])
        XCTAssertEqual(engine.state(of: "Quiet", device: "gh-01"), .firing)
    }
}
