@testable import Bridge
import Foundation
@testable import Replay
import Rules
import Storage
import TestSupport
import XCTest

/// `telemetry-bridge replay` as a process: output formats, what-if exit codes, bad flags.
final class ReplayCommandTests: XCTestCase {
    private var fixture: ReplayFixture!

    override func setUpWithError() throws {
        fixture = try ReplayFixture()
        try fixture.standardHistory()
    }

    override func tearDown() {
        fixture.remove()
    }

    private func replay(_ arguments: [String], rules: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let rulesDirectory = try rules ?? fixture.rulesDirectory()
        return try BridgeProcess.command(
            ["replay", "--db", fixture.database, "--devices", RepositoryPaths.devices, "--rules", rulesDirectory]
                + arguments, directory: fixture.directory, name: "replay-\(UUID().uuidString.prefix(8))")
    }

    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    func testJSONLinesAreTheEventJSONTheDaemonPublishes() throws {
        let result = try replay(["--format", "jsonl", "--seed", "9"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let expected = try Replayer(store: fixture.store, seed: 9).events(fixture.ruleSet())
        XCTAssertEqual(lines(result.stdout), expected.map(\.json))
        let parsed = try lines(result.stdout).map { try AlertEvent(json: $0) }
        XCTAssertEqual(parsed, expected)
    }

    func testCSVHasOneRowPerEvent() throws {
        let result = try replay(["--format", "csv", "--device", "gh-*"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(lines(result.stdout), [
            "type,alert,device,at,value,severity,message",
            "AlertRaised,TooHot,gh-01,2027-01-15T08:04:00Z,35,critical,gh-01 (north) at 35 °C",
            "AlertCleared,TooHot,gh-01,2027-01-15T08:05:00Z,27.5,critical,",
        ])
    }

    func testTableIsAlignedAndUncolouredOffATerminal() throws {
        let result = try replay(["--type", "plain-value-sensor", "--from", "2027-01-15T08:00:00Z", "--to", "2027-01-15T08:10:00Z"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let table = lines(result.stdout)
        XCTAssertEqual(table.count, 3, result.stdout)
        XCTAssertTrue(table[0].hasPrefix("TIME"), table[0])
        // In global event-time order, across devices.
        XCTAssertTrue(table[1].hasPrefix("2027-01-15T08:05:00Z") && table[1].contains("q-02"), table[1])
        XCTAssertTrue(table[2].hasPrefix("2027-01-15T08:06:00Z") && table[2].contains("q-01"), table[2])
        let alertColumn = table[0].range(of: "ALERT").map { table[0].distance(from: table[0].startIndex, to: $0.lowerBound) }
        for row in table.dropFirst() {
            XCTAssertEqual(row.range(of: "Quiet").map { row.distance(from: row.startIndex, to: $0.lowerBound) }, alertColumn)
        }
        XCTAssertFalse(result.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
    }

    func testDraftThatDiffersExitsOneWithASummaryPerRule() throws {
        let draft = try fixture.rulesDirectory(ReplayFixture.rules.replacingOccurrences(of: "for: 2m", with: "for: 150s"),
                                               name: "draft")
        let current = try fixture.rulesDirectory()
        let result = try replay(["--baseline", current, "--diff"], rules: draft)
        XCTAssertEqual(result.status, 1, result.stderr)
        let output = lines(result.stdout)
        XCTAssertEqual(output.first, "~ 2027-01-15T08:04:00Z      AlertRaised   TooHot  gh-01  moved +30s to 2027-01-15T08:04:30Z")
        XCTAssertTrue(output.contains { $0.hasPrefix("TooHot") && $0.contains("      2        2        0        0        1") },
                      result.stdout)
        XCTAssertEqual(output.last, "current vs draft: 1 difference(s)")
    }

    func testIdenticalDraftExitsZero() throws {
        let draft = try fixture.rulesDirectory(name: "draft")
        let result = try replay(["--baseline", fixture.rulesDirectory(), "--diff", "--format", "jsonl"], rules: draft)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(lines(result.stdout), [
            #"{"summary":{"alert":"Quiet","current":3,"draft":3,"added":0,"removed":0,"moved":0,"notifications":{"current":3,"draft":3,"saved":0}}}"#,
            #"{"summary":{"alert":"TooHot","current":2,"draft":2,"added":0,"removed":0,"moved":0,"notifications":{"current":2,"draft":2,"saved":0}}}"#,
        ])
    }

    func testWhatIfSilencesReportTheNotificationsTheySave() throws {
        let silences = fixture.directory.file("silences.yaml")
        try """
            maintenance:
              - {name: gh-works, device: "gh-*", from: 2027-01-15T08:00:00Z, to: 2027-01-15T09:00:00Z}
            """.write(toFile: silences, atomically: true, encoding: .utf8)
        let draft = try fixture.rulesDirectory(name: "draft")
        var result = try replay(["--baseline", fixture.rulesDirectory(), "--diff", "--format", "jsonl", "--silences", silences], rules: draft)
        XCTAssertEqual(result.status, 0, "the same events, only muted: " + result.stderr)
        XCTAssertEqual(lines(result.stdout).last,
                       #"{"summary":{"alert":"TooHot","current":2,"draft":2,"added":0,"removed":0,"moved":0,"notifications":{"current":2,"draft":0,"saved":2}}}"#)

        result = try replay(["--format", "jsonl", "--device", "gh-01", "--silences", silences])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(lines(result.stdout).allSatisfy { $0.hasSuffix(#","silenced":"maintenance:gh-works"}"#) }, result.stdout)

        let broken = fixture.directory.file("broken.yaml")
        try "maintenance:\n  - {name: x, device: \"gh-*\", every: someday, from: \"01:00\", to: \"02:00\"}\n"
            .write(toFile: broken, atomically: true, encoding: .utf8)
        result = try replay(["--silences", broken])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("broken.yaml:2:38: unknown day 'someday'"), result.stderr)
    }

    func testRulesExplainShowsTheStateEverySubExpressionAndTheLastChanges() throws {
        let rules = try fixture.rulesDirectory()
        func explain(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            try BridgeProcess.command(["rules", "explain", rules, "--devices", RepositoryPaths.devices, "--db", fixture.database] + arguments,
                                      directory: fixture.directory, name: "explain-\(UUID().uuidString.prefix(8))")
        }
        var result = try explain(["--device", "gh-01", "--at", "2027-01-15T08:04:30Z", "--rule", "TooHot"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(lines(result.stdout), [
            "gh-01 at 2027-01-15T08:04:30Z, latest reading 2027-01-15T08:04:30Z",
            "TooHot  \(rules)/rules.yaml:2  firing since 2027-01-15T08:04:00Z (pending since 2027-01-15T08:02:00Z)",
            "  when",
            "    (avg(temperature, 1m) > 30) = true",
            "      avg(temperature, 1m) = 35  over (2027-01-15T08:03:30Z, 2027-01-15T08:04:30Z], 2 readings",
            "  clear",
            "    (avg(temperature, 1m) < 28) = false",
            "      avg(temperature, 1m) = 35  over (2027-01-15T08:03:30Z, 2027-01-15T08:04:30Z], 2 readings",
            "  last changes",
            "    2027-01-15T08:04:00Z  raised   value 35  caused by the reading at 2027-01-15T08:02:00Z, held for 2m",
        ])
        result = try explain(["--device", "gh-01", "--at", "2027-01-15T08:06:00Z", "--format", "jsonl"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(lines(result.stdout).first?.hasPrefix(#"{"alert":"TooHot","file":"#) ?? false, result.stdout)
        XCTAssertTrue(result.stdout.contains(#""state":"inactive""#), result.stdout)

        result = try explain(["--device", "gh-01", "--rule", "TooHott"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("no rule 'TooHott' (did you mean 'TooHot'?)"), result.stderr)
        result = try explain(["--device", "nobody", "--at", "2027-01-15T08:04:30Z"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("no reading of device 'nobody'"), result.stderr)
    }

    func testAnIncidentSnapshotIsASelfContainedTestAndHistoryAssertionsPassAndFail() throws {
        let rules = try fixture.rulesDirectory()
        try FileManager.default.createDirectory(atPath: rules + "/tests", withIntermediateDirectories: true)
        func command(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            try BridgeProcess.command(["rules"] + arguments, directory: fixture.directory, name: "rules-\(UUID().uuidString.prefix(8))")
        }
        let snapshot = rules + "/tests/incident.yaml"
        var result = try command(["incident", rules, "--devices", RepositoryPaths.devices, "--db", fixture.database, "--device", "gh-01",
                                  "--from", "2027-01-15T08:00:00Z", "--to", "2027-01-15T08:10:00Z", "--out", snapshot])
        XCTAssertEqual(result.status, 0, result.stderr)
        let text = try String(contentsOfFile: snapshot, encoding: .utf8)
        XCTAssertTrue(text.contains("    origin: 2027-01-15T08:00:00Z\n"), text)
        XCTAssertTrue(text.contains(#"      - {at: 4m, type: AlertRaised, alert: "TooHot", device: "gh-01", value: 35}"#), text)
        XCTAssertTrue(text.contains(#"      - {at: 5m, type: AlertCleared, alert: "TooHot", device: "gh-01", value: 27.5}"#), text)
        XCTAssertTrue(text.contains("          - {at: 1m30s, value: 35}"), text)

        // The snapshot runs without a database; edited to expect something else, it fails.
        result = try command(["test", rules, "--devices", RepositoryPaths.devices])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        try text.replacingOccurrences(of: "at: 4m, type: AlertRaised", with: "at: 3m, type: AlertRaised")
            .write(toFile: snapshot, atomically: true, encoding: .utf8)
        result = try command(["test", rules, "--devices", RepositoryPaths.devices])
        XCTAssertEqual(result.status, 1, result.stdout)
        try FileManager.default.removeItem(atPath: snapshot)

        // Assertions over stored history: one holds, one does not; without a database both fail.
        try """
            tests:
              - name: the gh-01 heat of 15 January
                from_history: {device: gh-01, from: 2027-01-15T08:00:00Z, to: 2027-01-15T08:10:00Z}
                assert:
                  - {alert: TooHot, raises_within: 1m, of: 2027-01-15T08:03:30Z}
                  - {alert: TooHot, device: gh-01, never_raises: true}
            """.write(toFile: rules + "/tests/history.yaml", atomically: true, encoding: .utf8)
        result = try command(["test", rules, "--devices", RepositoryPaths.devices, "--db", fixture.database])
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stdout.contains("line 6: TooHot on gh-01 must never raise, but was raised at 4m"), result.stdout)
        XCTAssertFalse(result.stdout.contains("must raise within"), "the first assertion holds: " + result.stdout)
        result = try command(["test", rules, "--devices", RepositoryPaths.devices])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("no database: name it in the test (db:) or give --db FILE"), result.stdout)
    }

    func testSweepPrintsOneRowPerCombination() throws {
        let rules = try fixture.rulesDirectory(ReplayFixture.rules
            .replacingOccurrences(of: "when: avg(temperature, 1m) > 30", with: "when: avg(temperature, 1m) > $threshold")
            .replacingOccurrences(of: "    severity: critical\n", with: "    severity: critical\n    params: {threshold: 30}\n"), name: "sweep")
        var result = try replay(["--sweep", "threshold=30,40", "--sweep", "TooHot.for=1m,2m", "--format", "csv", "--device", "gh-*"], rules: rules)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(lines(result.stdout), [
            "threshold,TooHot.for,raised,firing_ms,median_time_to_raise_ms,notifications",
            "30,1m,1,120000,60000,2",
            "30,2m,1,60000,120000,2",
            "40,1m,0,0,,0",
            "40,2m,0,0,,0",
        ])
        result = try replay(["--sweep", "treshold=1,2"], rules: rules)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("no rule has a parameter or setting 'treshold'"), result.stderr)
    }

    func testBadFlagsAndFilesExitTwo() throws {
        let broken = try fixture.rulesDirectory("rules:\n  - alert: Broken\n    when: avg(temprature, 5m) > 1\n", name: "broken")
        let cases: [([String], String?)] = [
            (["--format", "xml"], nil),
            (["--from", "yesterday"], nil),
            (["--from", "-1h", "--to", "-2h"], nil),
            (["--tolerance", "soon", "--diff"], nil),
            (["--baseline", "x"], nil),
            (["--db", fixture.directory.file("missing.sqlite")], nil),
            ([], broken),
        ]
        for (arguments, rules) in cases {
            let result = try replay(arguments, rules: rules)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "\(arguments)")
        }
    }
}
