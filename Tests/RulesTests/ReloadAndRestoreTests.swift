import Telemetry
import XCTest
@testable import Rules

final class ReloadAndRestoreTests: XCTestCase {
    private let hot = """
          - alert: Hot
            devices: climate-sensor
            when: avg(temperature, 5m) > 30
            for: 2m
        """
    private let humid = """
          - alert: Humid
            devices: climate-sensor
            when: humidity > 90
            for: 2m
        """

    func testReloadKeepsStateOfUnchangedRules() throws {
        var engine = RuleEngine(rules: try ruleSet("rules:\n" + hot + "\n" + humid))
        _ = engine.feed(gh01, "temperature", [31, 31])
        _ = engine.feed(gh01, "humidity", [95, 95], start: 30 * second)
        XCTAssertEqual(engine.state(of: "Hot", device: "gh-01"), .pending)
        XCTAssertEqual(engine.state(of: "Humid", device: "gh-01"), .pending)

        // Same Hot (respelled), Humid's threshold changed, a rule added.
        let reloaded = engine.reload(try ruleSet("""
            rules:
              - alert: Hot
                devices: climate-sensor
                when: "avg( temperature , 5m )>30"
                for: 120s
              - alert: Humid
                devices: climate-sensor
                when: humidity > 91
                for: 2m
              - alert: Cold
                devices: climate-sensor
                when: min(temperature, 5m) < 0
            """))
        XCTAssertEqual(reloaded.unchanged, ["Hot"])
        XCTAssertEqual(reloaded.changed, ["Humid"])
        XCTAssertEqual(reloaded.added, ["Cold"])
        XCTAssertEqual(reloaded.removed, [])
        XCTAssertEqual(reloaded.events, [])
        XCTAssertEqual(engine.state(of: "Hot", device: "gh-01"), .pending)
        XCTAssertEqual(engine.state(of: "Humid", device: "gh-01"), .inactive)

        // Hot's pending timer survived: it fires 2m after it started, with the window's history.
        let events = engine.feed(gh01, "temperature", [31], start: 2 * minute)
        XCTAssertEqual(summary(events), ["AlertRaised Hot gh-01 at 2m value 31"])
    }

    func testReloadClearsAlertsOfRemovedRules() throws {
        var engine = RuleEngine(rules: try ruleSet("rules:\n" + humid))
        XCTAssertEqual(engine.feed(gh01, "humidity", [95, 95, 95]).count, 1)
        let reloaded = engine.reload(try ruleSet("rules:\n" + hot))
        XCTAssertEqual(reloaded.removed, ["Humid"])
        XCTAssertEqual(summary(reloaded.events), ["AlertCleared Humid gh-01 at 2m value 95"])
        XCTAssertEqual(engine.firingAlerts, [])
    }

    func testReloadGivesNewRulesTheWindowsHistory() throws {
        var engine = RuleEngine(rules: try ruleSet("rules:\n" + hot))
        _ = engine.feed(gh01, "temperature", [10, 20, 30])
        _ = engine.reload(try ruleSet("""
            rules:
              - alert: Spread
                devices: climate-sensor
                when: max(temperature, 5m) - min(temperature, 5m) > 25
            """))
        XCTAssertEqual(summary(engine.feed(gh01, "temperature", [40], start: 3 * minute)), ["AlertRaised Spread gh-01 at 3m value 30"])
    }

    func testRestoreFiringAvoidsASecondRaise() throws {
        let rules = try ruleSet("rules:\n" + hot)
        var before = RuleEngine(rules: rules)
        let readings: [Double] = [31, 31, 31, 31, 31, 31]
        var events = before.feed(gh01, "temperature", readings)
        XCTAssertEqual(summary(events), ["AlertRaised Hot gh-01 at 2m value 31"])
        guard case .raised(let raised) = events.first else { return XCTFail() }

        // Restart: the stored firing alert plus a replay of the log tail.
        let stored = try AlertEvent(json: raised.json)
        guard case .raised(let restored) = stored else { return XCTFail() }
        var after = RuleEngine(rules: rules)
        after.restoreFiring([restored], warmUpUntil: 5 * minute)
        events = after.feed(gh01, "temperature", Array(readings[2...]), start: 2 * minute)
        XCTAssertEqual(events, [])
        XCTAssertEqual(after.firingAlerts, [restored])

        // After the restart it clears normally, pointing at the original raise.
        events = after.feed(gh01, "temperature", [10], start: 6 * minute)
        XCTAssertEqual(summary(events), ["AlertCleared Hot gh-01 at 6m value 26.8"])
        guard case .cleared(let cleared) = events.first else { return XCTFail() }
        XCTAssertEqual(cleared.raisedId, raised.id)
    }

    func testWarmUpNeitherClearsRestoredAlertsWithPartialWindowsNorRaisesNewOnes() throws {
        let rules = try ruleSet("""
            rules:
              - alert: Hot
                devices: climate-sensor
                when: avg(temperature, 5m) > 30
                clear: avg(temperature, 5m) < 28
              - alert: Warm
                devices: climate-sensor
                when: temperature > 25
                for: 1m
            """)
        var engine = RuleEngine(rules: rules)
        let raised = AlertRaised(
            id: "0190a0b0-0000-7000-8000-000000000001", alert: "Hot", device: "gh-01", deviceType: "climate-sensor",
            labels: ["site": "north"], severity: .warning, value: 31, message: "hot", at: 0, pendingSince: 0,
            cause: AlertCause(topic: nil, at: 0))
        engine.restoreFiring([raised], warmUpUntil: 10 * minute)
        // The tail starts with a cool reading: a partial window must not clear the restored alert.
        XCTAssertEqual(engine.feed(gh01, "temperature", [26, 26, 26], start: 8 * minute), [])
        XCTAssertEqual(engine.state(of: "Hot", device: "gh-01"), .firing)
        XCTAssertEqual(engine.state(of: "Warm", device: "gh-01"), .pending)
        // The first reading after the warm-up applies the rules normally.
        XCTAssertEqual(summary(engine.feed(gh01, "temperature", [26], start: 11 * minute)), [
            "AlertRaised Warm gh-01 at 11m value 26",
            "AlertCleared Hot gh-01 at 11m value 26",
        ])
    }

    func testLookbackCoversLongestWindowAndFor() throws {
        let rules = try ruleSet("rules:\n" + hot + "\n" + humid)
        XCTAssertEqual(rules.lookback, 7 * minute)
    }
}
