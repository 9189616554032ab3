import Telemetry
import XCTest
@testable import Rules

/// Watermarks, late and duplicate readings, silence and determinism.
final class EventTimeTests: XCTestCase {
    private let rules = """
        rules:
          - alert: Hot
            devices: climate-sensor
            when: avg(temperature, 5m) > 30
            for: 1m
          - alert: Silent
            devices: "*"
            when: silent(5m)
            message: "{{device}} silent {{value}} s"
          - alert: Lagging
            devices: climate-sensor
            when: silent()
          - alert: Stale
            devices: climate-sensor
            when: age(humidity) > 2m
        """

    func testLateReadingChangesNothingAndIsCounted() throws {
        var engine = RuleEngine(rules: try ruleSet(rules))
        XCTAssertEqual(engine.feed(gh01, "temperature", [31], start: 10 * minute), [])
        // A reading from before the watermark would drag the average down if it were used.
        XCTAssertEqual(engine.feed(gh01, "temperature", [0], start: 9 * minute), [])
        XCTAssertEqual(engine.statistics.late, 1)
        XCTAssertEqual(summary(engine.feed(gh01, "temperature", [31], start: 11 * minute)).filter { $0.contains("Hot") },
                       ["AlertRaised Hot gh-01 at 11m value 31"])
    }

    func testDuplicateReadingIsIgnored() throws {
        var engine = RuleEngine(rules: try ruleSet("""
            rules:
              - alert: Many
                devices: climate-sensor
                when: count(temperature, 10m) >= 3
            """))
        _ = engine.feed(gh01, "temperature", [20, 20])
        XCTAssertEqual(engine.feed(gh01, "temperature", [20], start: minute), [])
        XCTAssertEqual(engine.statistics.duplicates, 1)
        // Another metric at the same instant is not a duplicate.
        _ = engine.feed(gh01, "humidity", [50], start: minute)
        XCTAssertEqual(engine.statistics.duplicates, 1)
        XCTAssertEqual(summary(engine.feed(gh01, "temperature", [20], start: 2 * minute)), ["AlertRaised Many gh-01 at 2m value 3"])
    }

    func testSilentRaisesOnAdvanceAndClearsOnTheNextReading() throws {
        var engine = RuleEngine(rules: try ruleSet(rules), idGenerator: UUIDv7Generator(seed: 3))
        let meter = Device(id: "meter-1", type: "energy-meter", labels: ["site": "north"])
        _ = engine.feed(meter, "power", [100])
        XCTAssertEqual(engine.advance(to: 5 * minute - 1), [])
        let raised = engine.advance(to: 5 * minute)
        XCTAssertEqual(summary(raised), ["AlertRaised Silent meter-1 at 5m value 300"])
        guard case .raised(let event) = raised.first else { return XCTFail() }
        XCTAssertEqual(event.message, "meter-1 silent 300 s")
        XCTAssertEqual(event.cause, AlertCause(topic: nil, at: 0))
        XCTAssertEqual(engine.advance(to: 6 * minute), [])
        XCTAssertEqual(summary(engine.feed(meter, "power", [100], start: 7 * minute)), ["AlertCleared Silent meter-1 at 7m value 0"])
    }

    func testSilentWithoutWindowIsThreeIntervals() throws {
        var engine = RuleEngine(rules: try ruleSet(rules))
        _ = engine.feed(gh01, "temperature", [20])
        XCTAssertEqual(engine.advance(to: 89 * second).filter { $0.alert == "Lagging" }, [])
        XCTAssertEqual(summary(engine.advance(to: 90 * second).filter { $0.alert == "Lagging" }),
                       ["AlertRaised Lagging gh-01 at 1m30s value 90"])
    }

    func testAgeIsMeasuredAtEvaluationTime() throws {
        var engine = RuleEngine(rules: try ruleSet(rules))
        _ = engine.feed(gh01, "humidity", [50])
        _ = engine.feed(gh01, "temperature", [20], start: 2 * minute)
        XCTAssertEqual(summary(engine.advance(to: 2 * minute + 1).filter { $0.alert == "Stale" }),
                       ["AlertRaised Stale gh-01 at 2m1ms value 120.001"])
    }

    func testWindowsOfAnotherMetricEndAtTheNewWatermark() throws {
        var engine = RuleEngine(rules: try ruleSet("""
            rules:
              - alert: DryAndQuiet
                devices: climate-sensor
                when: humidity > 50 and count(temperature, 1m) == 0
              - alert: Cooling
                devices: climate-sensor
                when: humidity > 50 and max(temperature, 2m) < 25
            """))
        _ = engine.feed(gh01, "temperature", [30, 20])
        // At 1m30s the temperature windows still hold 20 (and 30 for the 2m max).
        XCTAssertEqual(engine.feed(gh01, "humidity", [60], start: minute + 30_000), [])
        // At 2m30s the 1m window is empty and the 2m max is 20, though only humidity was read.
        let events = engine.feed(gh01, "humidity", [60], start: 2 * minute + 30_000)
        XCTAssertEqual(events.map(\.alert).sorted(), ["Cooling", "DryAndQuiet"])
    }

    func testAdvanceNeverEvaluatesBeforeTheWatermark() throws {
        var engine = RuleEngine(rules: try ruleSet(rules))
        _ = engine.feed(gh01, "temperature", [20], start: 60 * minute)
        // A wall clock behind the device's clock must not make it look silent or un-silent.
        XCTAssertEqual(engine.advance(to: 0), [])
    }

    func testSameReadingsGiveTheSameEvents() throws {
        let set = try ruleSet(rules)
        func run(seed: UInt64) -> [AlertEvent] {
            var engine = RuleEngine(rules: set, idGenerator: UUIDv7Generator(seed: seed))
            var random = SplitMix64(seed: 42)
            var events: [AlertEvent] = []
            for step in 0..<2000 {
                let index = Int.random(in: 0..<20, using: &random)
                let device = Device(id: "gh-\(index)", type: "climate-sensor", labels: ["site": "north"])
                let time = Int64(step) * 5 * second - Int64.random(in: 0...20_000, using: &random)
                events += engine.process(
                    Reading(device: device.id, metric: "temperature", timestamp: time,
                            value: Double.random(in: 20...40, using: &random)), device: device)
                if step % 50 == 0 { events += engine.advance(to: time) }
            }
            return events
        }
        let first = run(seed: 1), other = run(seed: 2)
        XCTAssertGreaterThan(first.count, 20)
        XCTAssertEqual(first.map(\.json), run(seed: 1).map(\.json))
        XCTAssertNotEqual(first.map(\.id), other.map(\.id))
        func withoutIDs(_ events: [AlertEvent]) -> [String] {
            events.map { "\($0.typeName) \($0.alert) \($0.device) \($0.at) \(String(describing: $0.value))" }
        }
        XCTAssertEqual(withoutIDs(first), withoutIDs(other))
    }

    func testHandlePathMatchesReadingPath() throws {
        let set = try ruleSet(rules)
        var byReading = RuleEngine(rules: set, idGenerator: UUIDv7Generator(seed: 9))
        var byHandle = RuleEngine(rules: set, idGenerator: UUIDv7Generator(seed: 9))
        let device = byHandle.handle(for: gh01)
        let metric = byHandle.handle(forMetric: "temperature")
        for step in 0..<50 {
            let value = Double(20 + step % 20)
            let a = byReading.process(Reading(device: "gh-01", metric: "temperature", timestamp: Int64(step) * minute, value: value),
                                      device: gh01, topic: "greenhouse/north/gh-01/climate")
            let b = byHandle.process(device: device, metric: metric, timestamp: Int64(step) * minute, value: value,
                                     topic: "greenhouse/north/gh-01/climate")
            XCTAssertEqual(a, b)
        }
        XCTAssertEqual(byReading.firingAlerts, byHandle.firingAlerts)
    }
}
