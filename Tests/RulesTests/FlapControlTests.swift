import Telemetry
import XCTest
@testable import Rules

/// `clear_for`, `keep_firing_for` and `flapping:`: the rule syntax and its errors, and the
/// engine against a reference that steps through time second by second on random series.
final class FlapControlTests: XCTestCase {
    private func rules(for holdFor: Int64, clearFor: Int64, keep: Int64, flapping: String? = nil) throws -> RuleSet {
        try ruleSet("""
            rules:
              - alert: Hot
                devices: climate-sensor
                when: temperature > 30
                for: \(holdFor / 1000)s
                clear: temperature < 28
                clear_for: \(clearFor / 1000)s
                keep_firing_for: \(keep / 1000)s
            \(flapping.map { "    flapping: \($0)" } ?? "")
            """)
    }

    func testFlapControlSettingsAreCheckedWithPositions() {
        let found = diagnostics("""
            rules:
              - alert: Hot
                devices: climate-sensor
                when: temperature > 30
                clear_for: soon
                keep_firing_for: [1m]
                flapping: {window: 0s, high: 3, low: 3, hight: 4}
              - alert: Cold
                devices: climate-sensor
                when: temperature < 3
                flapping: 5
            """)
        let expected = [
            "5:16 'clear_for' must be a duration",
            "6:22 'keep_firing_for' must be a single value",
            "7:24 'window' must be a duration above zero",
            "7:42 'low' must be a whole number from 0 to below 'high'",
            "7:45 unknown key 'hight' in flapping",
            "11:15 flapping takes {window: 1h, high: 6, low: 2}",
        ]
        assertDiagnostics(found, startWith: expected)
        XCTAssertEqual(found.first { $0.column == 45 }?.suggestion, "high")
    }

    func testKeepFiringForStaysFiringAndWhenHoldingAgainCancelsTheCountdown() throws {
        var engine = RuleEngine(rules: try rules(for: 0, clearFor: 0, keep: 5 * minute), idGenerator: UUIDv7Generator(seed: 1))
        // Raised at 0; clear holds at 1m; `when` holds again at 3m (cancels); clear holds from 4m;
        // the countdown from 4m runs out at 9m, between readings.
        let events = engine.feed(gh01, "temperature", [31, 27, 29, 31, 27, 27, 27, 27, 27, 27, 27])
        XCTAssertEqual(summary(events), ["AlertRaised Hot gh-01 at 0s value 31", "AlertCleared Hot gh-01 at 9m value 27"])
    }

    func testClearForNeedsTheClearConditionToHoldThatLong() throws {
        var engine = RuleEngine(rules: try rules(for: 0, clearFor: 2 * minute + 30 * second, keep: 0), idGenerator: UUIDv7Generator(seed: 1))
        // Clear holds at 1m and 2m, not at 3m (in the band: restarts), from 4m on: cleared at 6m30s.
        var events = engine.feed(gh01, "temperature", [31, 27, 27, 29, 27, 27, 27])
        events += engine.advance(to: 7 * minute)
        XCTAssertEqual(summary(events), ["AlertRaised Hot gh-01 at 0s value 31", "AlertCleared Hot gh-01 at 6m30s value 27"])
    }

    func testAFlappingAlertIsMarkedAndSettlesWithANotifiableRaise() throws {
        var engine = RuleEngine(rules: try rules(for: 0, clearFor: 0, keep: 0, flapping: "{window: 10m, high: 3, low: 1}"),
                                idGenerator: UUIDv7Generator(seed: 1))
        // Changes at 0, 1, 2, 3 (four: more than 3) make the raise at 4m flapping; it stays on.
        let events = engine.feed(gh01, "temperature", [31, 27, 31, 27, 31]) + engine.advance(to: 30 * minute)
        XCTAssertEqual(events.map(\.flapping), [false, false, false, false, true, true, false])
        // Settled when at most one change is left in the window: the one at 4m, so at 3m + 10m.
        XCTAssertEqual(summary(events).suffix(2), ["AlertCleared Hot gh-01 at 13m value 31", "AlertRaised Hot gh-01 at 13m value 31"])
        XCTAssertTrue(events[4].json.hasSuffix(",\"flapping\":true}"), events[4].json)
        XCTAssertEqual(try AlertEvent(json: events[5].json), events[5])
        XCTAssertEqual(engine.firingAlerts.first?.id, events[6].id)
    }

    /// Random series, random settings: the engine against the reference, and live (advanced
    /// between readings at random wall-clock ticks) against replay (advanced at the end).
    func testFlapControlMatchesASecondBySecondReferenceAndLiveMatchesReplay() throws {
        var random = SplitMix64(seed: 12)
        for round in 0..<300 {
            let holdFor = Int64(random.next() % 4) * 30 * second
            let clearFor = Int64(random.next() % 4) * 30 * second
            let keep = Int64(random.next() % 4) * 45 * second
            let high = Int(random.next() % 4) + 1
            let low = Int(random.next() % UInt64(high))
            let window = Int64(random.next() % 12 + 1) * minute
            let flapping = random.next() % 2 == 0 ? FlapDetection(window: window, high: high, low: low) : nil
            var readings: [(Int64, Double)] = []
            var t: Int64 = 0
            for _ in 0..<60 {
                t += Int64(random.next() % 4 + 1) * 15 * second
                readings.append((t, [25, 27, 29, 31, 33][Int(random.next() % 5)]))
            }
            let end = t + 30 * minute
            let set = try rules(for: holdFor, clearFor: clearFor, keep: keep,
                                flapping: flapping.map { "{window: \($0.window / 1000)s, high: \($0.high), low: \($0.low)}" })
            let context = "round \(round): for \(holdFor) clear_for \(clearFor) keep \(keep) flapping \(String(describing: flapping))"

            var replay = RuleEngine(rules: set, idGenerator: UUIDv7Generator(seed: 1))
            var replayed: [AlertEvent] = []
            for (time, value) in readings {
                replayed += replay.process(Reading(device: "gh-01", metric: "temperature", timestamp: time, value: value), device: gh01)
            }
            replayed += replay.advance(to: end)
            let expected = Self.reference(readings, holdFor: holdFor, clearFor: clearFor, keep: keep, flapping: flapping, until: end)
            XCTAssertEqual(replayed.map(Self.describe), expected, context)

            var live = RuleEngine(rules: set, idGenerator: UUIDv7Generator(seed: 1))
            var lived: [AlertEvent] = []
            var clock: Int64 = 0
            for (time, value) in readings {
                while clock + 7 * second < time, random.next() % 3 == 0 {
                    clock += Int64(random.next() % 7 + 1) * second
                    lived += live.advance(to: clock)
                }
                lived += live.process(Reading(device: "gh-01", metric: "temperature", timestamp: time, value: value), device: gh01)
                clock = max(clock, time)
            }
            lived += live.advance(to: end)
            XCTAssertEqual(lived.map(Self.describe), replayed.map(Self.describe), "live vs replay, " + context)
        }
    }

    private static func describe(_ event: AlertEvent) -> String {
        "\(event.typeName) \(event.at / 1000)s\(event.flapping ? " flapping" : "")"
    }

    /// The rule `when: temperature > 30`, `clear: temperature < 28`, stepped one second at a time:
    /// settling first, then the reading of that second (if any), else the timers due then.
    private static func reference(
        _ readings: [(Int64, Double)], holdFor: Int64, clearFor: Int64, keep: Int64, flapping: FlapDetection?, until end: Int64
    ) -> [String] {
        enum State { case inactive, pending, steady, clearing, keeping }
        var state = State.inactive
        var since: Int64 = 0
        var changes: [Int64] = []
        var isFlapping = false
        var raisedFlapping = false
        var out: [String] = []
        var values: [Int64: Double] = [:]
        for (time, value) in readings { values[time] = value }
        func count(at t: Int64) -> Int { changes.filter { $0 > t - (flapping?.window ?? 0) && $0 <= t }.count }
        func raise(_ t: Int64) {
            changes.append(t)
            if let flapping, !isFlapping, count(at: t) > flapping.high { isFlapping = true }
            raisedFlapping = isFlapping
            out.append("AlertRaised \(t / 1000)s" + (raisedFlapping ? " flapping" : ""))
            state = .steady
        }
        func clear(_ t: Int64) {
            changes.append(t)
            out.append("AlertCleared \(t / 1000)s" + (raisedFlapping ? " flapping" : ""))
            state = .inactive
        }
        var t: Int64 = 0
        while t <= end {
            if let flapping, isFlapping, count(at: t) <= flapping.low {
                isFlapping = false
                if state == .steady || state == .clearing || state == .keeping, raisedFlapping {
                    out.append("AlertCleared \(t / 1000)s flapping")
                    out.append("AlertRaised \(t / 1000)s")
                    raisedFlapping = false
                }
            }
            if let value = values[t] {
                let holds = value > 30, clears = value < 28
                switch state {
                case .inactive:
                    if holds {
                        state = .pending
                        since = t
                        if holdFor == 0 { raise(t) }
                    }
                case .pending:
                    if !holds { state = .inactive } else if since + holdFor <= t { raise(t) }
                case .steady:
                    if clears {
                        state = clearFor > 0 ? .clearing : (keep > 0 ? .keeping : .inactive)
                        since = t
                        if clearFor == 0 && keep == 0 { clear(t) }
                    }
                case .clearing:
                    if !clears { state = .steady } else if since + clearFor <= t {
                        if keep > 0 { state = .keeping; since += clearFor } else { clear(t) }
                    }
                case .keeping:
                    if holds { state = .steady } else if since + keep <= t { clear(t) }
                }
            } else {
                switch state {
                case .pending where since + holdFor == t: raise(t)
                case .clearing where since + clearFor == t:
                    if keep > 0 { state = .keeping; since = t } else { clear(t) }
                case .keeping where since + keep == t: clear(t)
                default: break
                }
            }
            t += second
        }
        return out
    }
}

extension AlertEvent {
    var flapping: Bool {
        switch self {
        case .raised(let event): event.flapping
        case .cleared(let event): event.flapping
        }
    }
}

extension FlapControlTests {
    /// A restart restores firing alerts and replays the lookback as a warm-up: a `clear_for`
    /// countdown running before it ends at the same moment after it.
    func testARestartRebuildsACountdownFromTheLookback() throws {
        let set = try rules(for: 0, clearFor: 3 * minute, keep: 0)
        XCTAssertEqual(set.lookback, 3 * minute)
        var live = RuleEngine(rules: set, idGenerator: UUIDv7Generator(seed: 1))
        let values: [Double] = [31, 27, 27, 27, 27, 27]
        let uninterrupted = live.feed(gh01, "temperature", values)
        XCTAssertEqual(summary(uninterrupted).last, "AlertCleared Hot gh-01 at 4m value 27")

        // Restarted after the reading at 2m: restore the raise, warm up on (2m - lookback, 2m].
        var restarted = RuleEngine(rules: set, idGenerator: UUIDv7Generator(seed: 2))
        guard case .raised(let raised) = uninterrupted[0] else { return XCTFail("no raise") }
        restarted.restoreFiring([raised], warmUpUntil: 2 * minute)
        XCTAssertEqual(restarted.feed(gh01, "temperature", Array(values[0...2])), [])
        let after = restarted.feed(gh01, "temperature", Array(values[3...]), start: 3 * minute)
        XCTAssertEqual(summary(after), ["AlertCleared Hot gh-01 at 4m value 27"])
    }
}
