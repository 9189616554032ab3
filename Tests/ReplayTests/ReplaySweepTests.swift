@testable import Replay
import Rules
import Storage
import TestSupport
import XCTest

/// `replay --sweep`: every combination equals a separate replay of its own rule set, measured
/// by hand here; the parameters and settings it varies are checked.
final class ReplaySweepTests: XCTestCase {
    private var fixture: ReplayFixture!
    private let rules = ReplayFixture.rules
        .replacingOccurrences(of: "when: avg(temperature, 1m) > 30", with: "when: avg(temperature, 1m) > $threshold")
        .replacingOccurrences(of: "    severity: critical\n", with: "    severity: critical\n    params: {threshold: 30}\n")

    override func setUpWithError() throws {
        fixture = try ReplayFixture()
        try fixture.standardHistory()
    }

    override func tearDown() {
        fixture.remove()
    }

    private func ruleSet(_ overrides: RuleOverrides) throws -> RuleSet {
        try RuleSet.parse(files: [("rules.yaml", rules)], schema: ReplayFixture.schema(), overrides: overrides)
    }

    func testEveryCombinationEqualsItsOwnReplay() throws {
        let sweep = try ReplaySweep(dimensions: [
            ReplaySweep.Dimension(parsing: "threshold=25,30,40"), ReplaySweep.Dimension(parsing: "TooHot.for=0,90s,2m"),
        ])
        XCTAssertEqual(sweep.combinations.count, 9)
        let end = try XCTUnwrap(fixture.store.latestTimestamps().values.max())
        let outcomes = try sweep.run(Replayer(store: fixture.store), ruleSets: sweep.combinations.map(ruleSet), end: end, workers: 3)
        var raisedCounts: [Int] = []
        for (overrides, outcome) in zip(sweep.combinations, outcomes) {
            XCTAssertEqual(outcome.values, overrides.values)
            let events = try Replayer(store: fixture.store).events(ruleSet(overrides))
            let raises = events.compactMap { if case .raised(let raised) = $0 { raised } else { nil } }
            let clears = events.compactMap { if case .cleared(let cleared) = $0 { cleared } else { nil } }
            XCTAssertEqual(outcome.raised, raises.count, "\(overrides.values)")
            let firing = raises.map { raised in (clears.first { $0.raisedId == raised.id }?.at ?? end) - raised.at }.reduce(0, +)
            XCTAssertEqual(outcome.firingTime, firing, "\(overrides.values)")
            XCTAssertEqual(outcome.notifications, events.count)
            let waits = raises.map { $0.at - $0.pendingSince }.sorted()
            let median: Int64? = waits.isEmpty ? nil : (waits.count % 2 == 1 ? waits[waits.count / 2] : (waits[waits.count / 2 - 1] + waits[waits.count / 2]) / 2)
            XCTAssertEqual(outcome.medianTimeToRaise, median, "\(overrides.values)")
            if overrides.values["TooHot.for"] == "0" { raisedCounts.append(raises.filter { $0.alert == "TooHot" }.count) }
        }
        XCTAssertEqual(raisedCounts, [1, 1, 0], "gh-01 peaks at 35: raised under 25 and 30, not under 40 (the threshold does vary)")
    }

    func testSweepKeysAndValuesAreChecked() throws {
        XCTAssertThrowsError(try ReplaySweep.Dimension(parsing: "threshold"))
        XCTAssertThrowsError(try ReplaySweep.Dimension(parsing: "for=1m,soon")) { error in
            XCTAssertEqual("\(error)", "invalid --sweep: for: 'soon' is not a duration (30s, 2m, 1h)")
        }
        XCTAssertThrowsError(try ReplaySweep.Dimension(parsing: "threshold=hot"))
        XCTAssertThrowsError(try ruleSet(RuleOverrides(["treshold": "3"]))) { error in
            XCTAssertTrue("\(error)".contains("no rule has a parameter or setting 'treshold'"), "\(error)")
        }
        XCTAssertThrowsError(try RuleSet.parse(files: [("r.yaml", rules.replacingOccurrences(of: "$threshold", with: "$treshold"))],
                                               schema: ReplayFixture.schema())) { error in
            XCTAssertEqual((error as? RuleError)?.diagnostics.first?.suggestion, "$threshold")
        }
    }
}
