import Telemetry
import XCTest
@testable import Rules

/// The evaluation semantics the README states: the readings of one instant are evaluated
/// together, once; windows end at the device's latest reading, also at a timer's deadline.
final class WindowSemanticsTests: XCTestCase {
    func testTheMetricsOfOneInstantAreEvaluatedTogether() throws {
        var engine = RuleEngine(rules: try ruleSet("""
            rules:
              - alert: Muggy
                devices: climate-sensor
                when: temperature > 30 and humidity > 80
            """), idGenerator: UUIDv7Generator(seed: 1))
        func message(_ t: Int64, _ temperature: Double, _ humidity: Double) -> [AlertEvent] {
            engine.process([Reading(device: "gh-01", metric: "temperature", timestamp: t, value: temperature),
                            Reading(device: "gh-01", metric: "humidity", timestamp: t, value: humidity)], device: gh01)
        }
        XCTAssertEqual(message(0, 20, 90), [])
        // Hot but no longer humid: the old humidity (90) is never combined with the new temperature.
        XCTAssertEqual(message(minute, 35, 50), [])
        XCTAssertEqual(summary(message(2 * minute, 35, 85)), ["AlertRaised Muggy gh-01 at 2m value 35"])
        XCTAssertEqual(engine.statistics.readings, 6)
    }

    /// Random instants of one to three metrics against a reference that evaluates once per instant
    /// with all of its values: `for: 1m` and a `clear`, windows over `(t - w, t]`.
    func testGroupsMatchAnOncePerInstantReference() throws {
        let set = try ruleSet("""
            rules:
              - alert: Both
                devices: climate-sensor
                when: avg(temperature, 2m) > 30 and humidity > 80
                for: 1m
                clear: humidity < 70 or battery < 3
            """)
        var random = SplitMix64(seed: 77)
        for round in 0..<200 {
            var engine = RuleEngine(rules: set, idGenerator: UUIDv7Generator(seed: 1))
            var got: [String] = []
            var expected: [String] = []
            var t: Int64 = 0
            var history: [(Int64, Double)] = []
            var latest: [String: Double] = [:]
            var state = 0 // 0 inactive, 1 pending, 2 firing
            var since: Int64 = 0
            for _ in 0..<40 {
                t += Int64(random.next() % 4 + 1) * 20 * second
                var readings: [Reading] = []
                for metric in ["temperature", "humidity", "battery"] where random.next() % 2 == 0 {
                    let value = metric == "battery" ? 2.5 + Double(random.next() % 2) : Double(random.next() % 40) + (metric == "temperature" ? 10 : 60)
                    readings.append(Reading(device: "gh-01", metric: metric, timestamp: t, value: value))
                }
                got += engine.process(readings, device: gh01).map { "\($0.typeName) \($0.at / 1000)" }
                guard !readings.isEmpty else { continue }
                // Reference: the `for` deadline first (nothing changes before the instant), then the instant.
                if state == 1, since + minute < t {
                    expected.append("AlertRaised \((since + minute) / 1000)")
                    state = 2
                }
                for reading in readings {
                    latest[reading.metric] = reading.value
                    if reading.metric == "temperature" { history.append((t, reading.value)) }
                }
                let window = history.filter { $0.0 > t - 2 * minute }.map(\.1)
                let hot: Bool? = window.isEmpty ? nil : window.reduce(0, +) / Double(window.count) > 30
                let humid: Bool? = latest["humidity"].map { $0 > 80 }
                let holds = hot == true && humid == true
                let dry: Bool? = latest["humidity"].map { $0 < 70 }, flat: Bool? = latest["battery"].map { $0 < 3 }
                let clears = dry == true || flat == true
                switch state {
                case 0 where holds: state = 1; since = t
                case 1 where !holds: state = 0
                case 1 where since + minute <= t: expected.append("AlertRaised \(t / 1000)"); state = 2
                case 2 where clears: expected.append("AlertCleared \(t / 1000)"); state = 0
                default: break
                }
            }
            XCTAssertEqual(got, expected, "round \(round)")
        }
    }

    /// `silent(3m) and avg(flow, 2m) > 50` at its deadline: the average is over the two minutes
    /// before the device fell silent (its latest reading), not the empty two minutes before the
    /// deadline, so "high flow, then silence" is what it detects.
    func testAWindowAtATimersDeadlineEndsAtTheLatestReading() throws {
        var engine = RuleEngine(rules: try ruleSet("""
            rules:
              - alert: FlowThenSilence
                devices: climate-sensor
                when: silent(3m) and avg(temperature, 2m) > 50
            """), idGenerator: UUIDv7Generator(seed: 1))
        _ = engine.feed(gh01, "temperature", [40, 60, 70], step: 30 * second) // at 0, 30s, 60s: avg over (-60s, 60s] = 56.7
        XCTAssertEqual(engine.advance(to: 3 * minute + 59 * second), [])
        let events = engine.advance(to: 4 * minute)
        XCTAssertEqual(events.map(\.at), [4 * minute], "silent from the latest reading (1m) for 3m")
        let explanation = try XCTUnwrap(engine.explain(device: "gh-01", at: 4 * minute)?.first)
        let window = try XCTUnwrap(explanation.when.children[1].children[0].window)
        XCTAssertEqual(window, ExplainedExpression.Window(from: -minute, to: minute, readings: 3))
    }

    /// Random series with gaps, the clock advanced second by second between readings: a rule of
    /// `silent()` and a window raises at the first second at which the device has been silent
    /// long enough and the window over the readings before the silence (ending at the latest
    /// reading) holds; clears at the next reading. Against a reference that recomputes both from
    /// the readings at every second.
    func testWindowsAtDeadlinesMatchASecondBySecondReference() throws {
        let set = try ruleSet("""
            rules:
              - alert: HotThenSilent
                devices: climate-sensor
                when: silent(2m) and avg(temperature, 3m) > 30
            """)
        var random = SplitMix64(seed: 9)
        for round in 0..<100 {
            var engine = RuleEngine(rules: set, idGenerator: UUIDv7Generator(seed: 1))
            var readings: [(Int64, Double)] = []
            var t: Int64 = 0
            for _ in 0..<30 {
                t += Int64(random.next() % 12 + 1) * 15 * second
                readings.append((t, Double(random.next() % 20) + 20))
            }
            let end = t + 5 * minute
            var got: [String] = []
            var expected: [String] = []
            var firing = false
            var next = 0
            var now: Int64 = readings[0].0
            while now <= end {
                if next < readings.count, readings[next].0 == now {
                    got += engine.process(Reading(device: "gh-01", metric: "temperature", timestamp: now, value: readings[next].1), device: gh01)
                        .map { "\($0.typeName) \($0.at / 1000)" }
                    next += 1
                }
                got += engine.advance(to: now).map { "\($0.typeName) \($0.at / 1000)" }
                // Reference at `now`, from the readings so far.
                let seen = readings[..<next]
                let latest = seen.last?.0 ?? .min
                let window = seen.filter { $0.0 > latest - 3 * minute }.map(\.1)
                let hot = !window.isEmpty && window.reduce(0, +) / Double(window.count) > 30
                let holds = now - latest >= 2 * minute && hot
                if holds, !firing { expected.append("AlertRaised \(now / 1000)"); firing = true }
                if !holds, firing { expected.append("AlertCleared \(now / 1000)"); firing = false }
                now += second
            }
            XCTAssertEqual(got, expected, "round \(round)")
        }
    }
}
