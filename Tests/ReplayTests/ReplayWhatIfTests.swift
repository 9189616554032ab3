@testable import Replay
import Rules
import Storage
import TestSupport
import XCTest

/// Draft rules against current rules over the same stored history, and the comparison itself.
final class ReplayWhatIfTests: XCTestCase {
    private var fixture: ReplayFixture!
    private let base = ReplayFixture.base

    override func setUpWithError() throws {
        fixture = try ReplayFixture()
        try fixture.standardHistory()
    }

    override func tearDown() {
        fixture.remove()
    }

    private func compare(_ draft: String, tolerance: Int64 = 0) throws -> (AlertComparison, [AlertDifference]) {
        var comparison = AlertComparison(tolerance: tolerance)
        var differences: [AlertDifference] = []
        try Replayer(store: fixture.store).run([fixture.ruleSet(), fixture.ruleSet(draft)]) { replay in
            differences += comparison.compare(baseline: replay.events[0].map(ComparedEvent.init),
                                              candidate: replay.events[1].map(ComparedEvent.init))
        }
        return (comparison, differences)
    }

    func testIdenticalRulesGiveNoDifference() throws {
        let (comparison, differences) = try compare(ReplayFixture.rules)
        XCTAssertTrue(comparison.isIdentical)
        XCTAssertEqual(differences, [])
        XCTAssertEqual(comparison.rules.map(\.baseline), [3, 2], "Quiet then TooHot, by name")
        XCTAssertEqual(comparison.rules.map(\.candidate), [3, 2])
    }

    func testLongerForMovesTheRaiseByTheDifference() throws {
        let draft = ReplayFixture.rules.replacingOccurrences(of: "for: 2m", with: "for: 150s")
        let (comparison, differences) = try compare(draft)
        XCTAssertEqual(differences, [AlertDifference(change: .moved, type: .raised, alert: "TooHot", device: "gh-01",
                                                     at: base + 240_000, shift: 30_000)])
        XCTAssertEqual(comparison.summaries["TooHot"]?.moved, 1)
        XCTAssertFalse(comparison.isIdentical)
        let (tolerant, _) = try compare(draft, tolerance: 30_000)
        XCTAssertTrue(tolerant.isIdentical, "a move within the tolerance is not a difference")
    }

    func testHigherThresholdRemovesTheAlert() throws {
        let draft = ReplayFixture.rules.replacingOccurrences(of: "> 30", with: "> 40")
        let (comparison, differences) = try compare(draft)
        XCTAssertEqual(differences.map(\.change), [.removed, .removed])
        XCTAssertEqual(differences.map(\.type), [.raised, .cleared])
        XCTAssertEqual(comparison.summaries["TooHot"], {
            var summary = RuleDifferenceSummary(alert: "TooHot")
            summary.baseline = 2
            summary.removed = 2
            summary.baselineNotifications = 2
            return summary
        }())
    }

    func testKeepFiringForMovesTheClearAndMutedEventsAreNotCountedAsNotifications() throws {
        let draft = ReplayFixture.rules.replacingOccurrences(of: "    severity: critical\n", with: "    severity: critical\n    keep_firing_for: 1m\n")
            + "\nmaintenance:\n  - {name: q-works, device: \"q-*\", from: 2000-01-01T00:00Z, to: 2100-01-01T00:00Z}\n"
        let (comparison, _) = try compare(draft)
        let quiet = try XCTUnwrap(comparison.summaries["Quiet"])
        XCTAssertEqual([quiet.baselineNotifications, quiet.candidate, quiet.candidateNotifications, quiet.savedNotifications], [3, 3, 0, 3])
        XCTAssertEqual(comparison.summaries["TooHot"]?.moved, 1, "keep_firing_for: 1m moves the clear a minute later")
        XCTAssertEqual(comparison.summaries["TooHot"]?.savedNotifications, 0)
    }

    func testNewRuleAddsItsAlerts() throws {
        let draft = ReplayFixture.rules + """

              - alert: TooHotSouth
                devices: climate-sensor
                where: site == "south"
                when: temperature > 30
                severity: info
            """
        let (comparison, differences) = try compare(draft)
        XCTAssertEqual(differences, [AlertDifference(change: .added, type: .raised, alert: "TooHotSouth", device: "gh-02",
                                                     at: base)])
        XCTAssertEqual(comparison.summaries["TooHotSouth"]?.candidate, 1)
        XCTAssertEqual(comparison.summaries["TooHot"]?.isIdentical, true)
    }

    func testComparisonPairsExactTimesFirstThenInOrder() {
        func event(_ at: Int64) -> ComparedEvent { ComparedEvent(type: .raised, alert: "A", device: "d", at: at) }
        var comparison = AlertComparison()
        let differences = comparison.compare(baseline: [event(10), event(20), event(30)],
                                             candidate: [event(20), event(35), event(50), event(60)])
        XCTAssertEqual(differences.map(\.change), [.moved, .moved, .added])
        XCTAssertEqual(differences.map(\.shift), [25, 20, 0])
        XCTAssertEqual(differences.map(\.at), [10, 30, 60])
        XCTAssertEqual(comparison.differenceCount, 3)
    }
}
