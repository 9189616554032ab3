import Telemetry
import XCTest
@testable import Rules

/// inactive -> pending -> firing -> inactive, in event time.
final class AlertStateMachineTests: XCTestCase {
    private let hot = """
        rules:
          - alert: Hot
            devices: climate-sensor
            when: temperature > 30
            for: 2m
            clear: temperature < 28
            severity: critical
            message: "{{device}} ({{site}}) at {{value}} °C, humidity {{humidity}}"
            labels: {team: growers}
            annotations: {runbook: open the vents}
        """

    func testRaisesOnlyAfterConditionHeldForTheWholeFor() throws {
        var engine = RuleEngine(rules: try ruleSet(hot), idGenerator: UUIDv7Generator(seed: 1))
        var events = engine.feed(gh01, "temperature", [25, 31, 32])
        XCTAssertEqual(events, [])
        XCTAssertEqual(engine.state(of: "Hot", device: "gh-01"), .pending)
        events = engine.feed(gh01, "temperature", [33], start: 3 * minute)
        XCTAssertEqual(summary(events), ["AlertRaised Hot gh-01 at 3m value 33"])
        guard case .raised(let raised) = events.first else { return XCTFail("no raise") }
        XCTAssertEqual(raised.pendingSince, minute)
        XCTAssertEqual(raised.cause, AlertCause(topic: nil, at: minute))
        XCTAssertEqual(raised.labels, ["site": "north", "team": "growers"])
        XCTAssertEqual(raised.severity, .critical)
        XCTAssertEqual(raised.message, "gh-01 (north) at 33 °C, humidity n/a")
        XCTAssertEqual(raised.annotations, ["runbook": "open the vents"])
        XCTAssertEqual(engine.state(of: "Hot", device: "gh-01"), .firing)
    }

    func testPendingThatStopsHoldingReturnsToInactiveSilently() throws {
        var engine = RuleEngine(rules: try ruleSet(hot))
        let events = engine.feed(gh01, "temperature", [31, 32, 29, 31, 32])
        XCTAssertEqual(events, [])
        XCTAssertEqual(engine.state(of: "Hot", device: "gh-01"), .pending)
    }

    func testClearsOnlyBelowHysteresis() throws {
        var engine = RuleEngine(rules: try ruleSet(hot))
        let events = engine.feed(gh01, "temperature", [31, 31, 31, 29, 28.5, 28, 27.9, 29])
        XCTAssertEqual(summary(events), [
            "AlertRaised Hot gh-01 at 2m value 31",
            "AlertCleared Hot gh-01 at 6m value 27.9",
        ])
        guard case .raised(let raised) = events[0], case .cleared(let cleared) = events[1] else { return XCTFail() }
        XCTAssertEqual(cleared.raisedId, raised.id)
        XCTAssertEqual(cleared.raisedAt, 2 * minute)
        XCTAssertEqual(engine.state(of: "Hot", device: "gh-01"), .inactive)
    }

    func testWithoutClearAlertClearsAsSoonAsWhenStopsHolding() throws {
        var engine = RuleEngine(rules: try ruleSet("""
            rules:
              - alert: Hot
                devices: climate-sensor
                when: temperature > 30
            """))
        XCTAssertEqual(summary(engine.feed(gh01, "temperature", [31, 30.5, 30, 31])), [
            "AlertRaised Hot gh-01 at 0s value 31",
            "AlertCleared Hot gh-01 at 2m value 30",
            "AlertRaised Hot gh-01 at 3m value 31",
        ])
    }

    func testFlappingAroundTheThresholdNeverRaisesWithFor() throws {
        var engine = RuleEngine(rules: try ruleSet(hot))
        let flapping = (0..<200).map { $0 % 2 == 0 ? 30.5 : 29.5 }
        XCTAssertEqual(engine.feed(gh01, "temperature", flapping), [])
    }

    func testFlappingWhileFiringDoesNotClearAboveHysteresis() throws {
        var engine = RuleEngine(rules: try ruleSet(hot))
        var events = engine.feed(gh01, "temperature", [31, 31, 31])
        XCTAssertEqual(events.count, 1)
        events = engine.feed(gh01, "temperature", (0..<100).map { $0 % 2 == 0 ? 30.5 : 29 }, start: 3 * minute)
        XCTAssertEqual(events, [])
        XCTAssertEqual(engine.state(of: "Hot", device: "gh-01"), .firing)
    }

    func testTimerFiresAtTheExactEndOfForWhenLaterReadingArrives() throws {
        var engine = RuleEngine(rules: try ruleSet(hot))
        XCTAssertEqual(engine.feed(gh01, "temperature", [31]), [])
        // Other metrics keep the device talking; the condition is unchanged until 2m.
        let events = engine.feed(gh01, "humidity", [50], start: 5 * minute)
        XCTAssertEqual(summary(events), ["AlertRaised Hot gh-01 at 2m value 31"])
    }

    func testAdvanceFiresDueTimersWithoutReadings() throws {
        var engine = RuleEngine(rules: try ruleSet(hot))
        XCTAssertEqual(engine.feed(gh01, "temperature", [31], start: 10 * second), [])
        XCTAssertEqual(engine.advance(to: 2 * minute), [])
        XCTAssertEqual(summary(engine.advance(to: 2 * minute + 10 * second)), ["AlertRaised Hot gh-01 at 2m10s value 31"])
        XCTAssertEqual(engine.advance(to: 10 * minute), [])
    }

    func testManyDevicesKeepSeparateState() throws {
        var engine = RuleEngine(rules: try ruleSet(hot))
        var raised: [String] = []
        for step in 0..<5 {
            for index in 0..<300 {
                let device = Device(id: "gh-\(index)", type: "climate-sensor", labels: ["site": "north"])
                let value = index % 3 == 0 ? 35.0 : 20
                for event in engine.process(Reading(device: device.id, metric: "temperature",
                                                    timestamp: Int64(step) * minute, value: value), device: device) {
                    raised.append(event.device)
                }
            }
        }
        XCTAssertEqual(raised, (0..<300).filter { $0 % 3 == 0 }.map { "gh-\($0)" })
        XCTAssertEqual(engine.firingAlerts.count, 100)
    }

    func testRuleAppliesOnlyToSelectedAndFilteredDevices() throws {
        var engine = RuleEngine(rules: try ruleSet("""
            rules:
              - alert: NorthHot
                devices: "gh-*"
                where: site == "north" and not (site == "south")
                when: temperature > 30
            """))
        let south = Device(id: "gh-02", type: "climate-sensor", labels: ["site": "south"])
        let other = Device(id: "lab-1", type: "climate-sensor", labels: ["site": "north"])
        let meter = Device(id: "gh-m", type: "energy-meter", labels: ["site": "north"])
        XCTAssertEqual(engine.feed(south, "temperature", [40]), [])
        XCTAssertEqual(engine.feed(other, "temperature", [40]), [])
        // The meter's type has no temperature: the glob rule never applies to it.
        XCTAssertEqual(engine.feed(meter, "temperature", [40]), [])
        XCTAssertNil(engine.state(of: "NorthHot", device: "gh-m"))
        XCTAssertEqual(summary(engine.feed(gh01, "temperature", [40])), ["AlertRaised NorthHot gh-01 at 0s value 40"])
    }

    func testLabelComparisonInsideWhenIsDecidedPerDevice() throws {
        var engine = RuleEngine(rules: try ruleSet("""
            rules:
              - alert: Hot
                devices: climate-sensor
                when: (site == "north" and temperature > 30) or (site != "north" and temperature > 35)
            """))
        let south = Device(id: "gh-02", type: "climate-sensor", labels: ["site": "south"])
        XCTAssertEqual(engine.feed(south, "temperature", [33]), [])
        XCTAssertEqual(summary(engine.feed(south, "temperature", [36], start: minute)), ["AlertRaised Hot gh-02 at 1m value 36"])
        XCTAssertEqual(summary(engine.feed(gh01, "temperature", [33])), ["AlertRaised Hot gh-01 at 0s value 33"])
    }

    func testValueIsTheLeftSideOfTheFirstNumericComparison() throws {
        var engine = RuleEngine(rules: try ruleSet("""
            rules:
              - alert: Swing
                devices: climate-sensor
                when: site == "north" and max(temperature, 10m) - min(temperature, 10m) > 5 and humidity > 10
            """))
        _ = engine.feed(gh01, "humidity", [50])
        XCTAssertEqual(summary(engine.feed(gh01, "temperature", [20, 24, 27], start: second)),
                       ["AlertRaised Swing gh-01 at 2m1s value 7"])
    }

    func testScalarFunctionsAndArithmetic() throws {
        var engine = RuleEngine(rules: try ruleSet("""
            rules:
              - alert: Odd
                devices: climate-sensor
                when: clamp(round(abs(-temperature)) % 4, 0, 2) == 1 and max(temperature, 10) == temperature and min(1, 2) < 2
            """))
        XCTAssertEqual(summary(engine.feed(gh01, "temperature", [8.6, 12.6, 14])), [
            "AlertRaised Odd gh-01 at 1m value 1",
            "AlertCleared Odd gh-01 at 2m value 2",
        ])
    }
}
