import Operations
@testable import Replay
import Rules
import Storage
import TestSupport
import XCTest

/// The replayer over a real SQLite log: the engine's times, the virtual clock, determinism and
/// the scope's filters.
final class ReplayerTests: XCTestCase {
    private var fixture: ReplayFixture!
    private let base = ReplayFixture.base

    override func setUpWithError() throws {
        fixture = try ReplayFixture()
        try fixture.standardHistory()
    }

    override func tearDown() {
        fixture.remove()
    }

    private func summary(_ events: [AlertEvent]) -> [String] {
        events.map { "\($0.typeName) \($0.alert) \($0.device) +\(($0.at - base) / 1000)s" }
    }

    func testForTimerAndClearFireAtTheirEventTimes() throws {
        let events = try Replayer(store: fixture.store, scope: ReplayScope(devices: ["gh-*"])).events(fixture.ruleSet())
        XCTAssertEqual(summary(events), ["AlertRaised TooHot gh-01 +240s", "AlertCleared TooHot gh-01 +300s"])
        guard case .raised(let raised) = events.first, case .cleared(let cleared) = events.last else {
            return XCTFail("expected a raise then a clear")
        }
        XCTAssertEqual(raised.pendingSince, base + 120_000)
        XCTAssertEqual(raised.value, 35)
        XCTAssertEqual(raised.message, "gh-01 (north) at 35 °C")
        XCTAssertEqual(cleared.raisedId, raised.id)
        XCTAssertEqual(cleared.value, 27.5)
    }

    func testSilenceIsRaisedAtItsDeadlineAndClearedByTheNextReading() throws {
        let events = try Replayer(store: fixture.store, scope: ReplayScope(devices: ["q-*"])).events(fixture.ruleSet())
        // q-01: last heard at +60s, silent(5m) is due at +360s; heard again at +1200s.
        // q-02: heard once at +0s; the range ends at the latest stored reading (+1200s).
        // In event-time order across devices.
        XCTAssertEqual(summary(events), ["AlertRaised Quiet q-02 +300s", "AlertRaised Quiet q-01 +360s",
                                         "AlertCleared Quiet q-01 +1200s"])
        XCTAssertEqual(events[1].value, 300, "the value of silent() is the seconds of silence")
    }

    func testTheLogsSilencesMarkReplayedRaisesAsLive() throws {
        // A silence on q-* created at +330s, ended at +1000s: q-01's raise at +360s is marked (and its
        // clear), q-02's raise at +300s came before it was created and is not.
        let operations = AlertOperator(store: fixture.store)
        let created = try operations.silence(SilenceRequest(matchers: try SilenceMatchers(alert: nil, device: "q-*", where: nil),
                                                            startsAt: base, endsAt: base + 3_600_000, by: "ana"), now: base + 330_000)
        _ = try operations.unsilence(UnsilenceRequest(id: created.record.id, by: "ana"), now: base + 1_000_000)
        let events = try Replayer(store: fixture.store, scope: ReplayScope(devices: ["q-*"])).events(fixture.ruleSet())
        XCTAssertEqual(events.map { "\(summary([$0])[0]) \(Self.silence(of: $0) == created.record.id ? "silenced" : "-")" },
                       ["AlertRaised Quiet q-02 +300s -", "AlertRaised Quiet q-01 +360s silenced", "AlertCleared Quiet q-01 +1200s silenced"])
    }

    private static func silence(of event: AlertEvent) -> String? {
        switch event {
        case .raised(let raised): raised.silenced
        case .cleared(let cleared): cleared.silenced
        }
    }

    func testTheSameHistoryReplaysToTheSameEventsAndIds() throws {
        let rules = try fixture.ruleSet()
        let first = try Replayer(store: fixture.store, seed: 42).events(rules)
        let second = try Replayer(store: fixture.store, seed: 42).events(rules)
        XCTAssertEqual(first.count, 5)
        XCTAssertEqual(first, second)
        XCTAssertEqual(Set(first.map(\.id)).count, first.count, "ids are unique across devices")
        let otherSeed = try Replayer(store: fixture.store, seed: 7).events(rules)
        XCTAssertNotEqual(first.map(\.id), otherSeed.map(\.id))
        XCTAssertEqual(first.map(ComparedEvent.init), otherSeed.map(ComparedEvent.init))
    }

    func testToEndsTheRangeAndTrailingTimersStopThere() throws {
        let scope = ReplayScope(to: base + 270_000)
        let events = try Replayer(store: fixture.store, scope: scope).events(fixture.ruleSet())
        XCTAssertEqual(summary(events), ["AlertRaised TooHot gh-01 +240s"],
                       "the clear at +300s and the silences at +300s and +360s are after --to")
    }

    func testFromWarmsUpOnTheLookbackAndEmitsOnlyLaterEvents() throws {
        let scope = ReplayScope(from: base + 250_000, devices: ["gh-01"])
        let events = try Replayer(store: fixture.store, scope: scope).events(fixture.ruleSet())
        // Already over its `for` before --from and nothing in the log to restore: raised at the
        // start of the range, then cleared as it was.
        XCTAssertEqual(summary(events), ["AlertRaised TooHot gh-01 +250s", "AlertCleared TooHot gh-01 +300s"])
    }

    func testFromRestoresAlertsTheLogShowsFiring() throws {
        let rules = try fixture.ruleSet()
        let live = try Replayer(store: fixture.store, scope: ReplayScope(devices: ["gh-01"])).events(rules)
        _ = try fixture.store.write(IngestBatch(observedAt: base, alerts: live.map { AlertRecord($0, severity: "critical") }))
        let scope = ReplayScope(from: base + 250_000, devices: ["gh-01"])
        let events = try Replayer(store: fixture.store, scope: scope).events(rules)
        XCTAssertEqual(summary(events), ["AlertCleared TooHot gh-01 +300s"])
        guard case .cleared(let cleared) = events.first else { return XCTFail("expected a clear") }
        XCTAssertEqual(cleared.raisedId, live.first?.id, "the clear ends the raise stored in the log")
    }

    func testDeviceAndTypeFiltersSelectDevices() throws {
        let rules = try fixture.ruleSet()
        let south = try Replayer(store: fixture.store, scope: ReplayScope(devices: ["gh-02"])).events(rules)
        XCTAssertEqual(south, [])
        let plain = try Replayer(store: fixture.store, scope: ReplayScope(types: ["plain-value-sensor"])).events(rules)
        XCTAssertEqual(Set(plain.map(\.device)), ["q-01", "q-02"])
        let climate = try Replayer(store: fixture.store, scope: ReplayScope(devices: ["*-01"], types: ["climate-sensor"]))
            .events(rules)
        XCTAssertEqual(Set(climate.map(\.device)), ["gh-01"])
    }
}

extension ReplayerTests {
    func testFromFiresOverdueTimersAtTheStartWithoutTimeDrivenRules() throws {
        let rules = try fixture.ruleSet(ReplayFixture.rules.components(separatedBy: "  - alert: Quiet")[0])
        XCTAssertEqual(rules.rules.map(\.name), ["TooHot"])
        let scope = ReplayScope(from: base + 250_000, devices: ["gh-01"])
        let events = try Replayer(store: fixture.store, scope: scope).events(rules)
        XCTAssertEqual(summary(events), ["AlertRaised TooHot gh-01 +250s", "AlertCleared TooHot gh-01 +300s"])
    }
}
