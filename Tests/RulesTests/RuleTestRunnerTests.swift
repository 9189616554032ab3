import Foundation
import Telemetry
import TestSupport
import XCTest
@testable import Rules

final class RuleTestRunnerTests: XCTestCase {
    private func run(_ tests: String) throws -> RuleTestReport {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rule-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try tests.write(to: directory.appendingPathComponent("t.yaml"), atomically: true, encoding: .utf8)
        let rules = try ruleSet("""
            rules:
              - alert: Hot
                devices: climate-sensor
                when: temperature > 30
                for: 1m
            """)
        do {
            return try RuleTestRunner.run(directory: directory.path, rules: rules, schema: fleetSchema)
        } catch {
            throw TestFailure(description: error.description)
        }
    }

    func testFailingCaseShowsExpectedAndActual() throws {
        let report = try run("""
            tests:
              - name: wrong expectations
                input_series:
                  - {device: gh-01, type: climate-sensor, metric: temperature, values: "31x3"}
                alerts:
                  - at: 1m
                    firing: []
                expect:
                  - {at: 2m, type: AlertRaised, alert: Hot, device: gh-01, value: 31}
              - name: right expectations
                input_series:
                  - {device: gh-01, type: climate-sensor, metric: temperature, values: "31x3"}
                alerts:
                  - {at: 1m, alert: Hot, firing: [gh-01]}
                expect:
                  - {at: 1m, type: AlertRaised, alert: Hot, device: gh-01, value: 31}
            """)
        XCTAssertEqual(report.cases.map(\.passed), [false, true])
        XCTAssertEqual(report.cases[0].failures, [
            "at 1m (line 6) firing:\n  expected: (none)\n  actual:   Hot on gh-01\n  extra:    Hot on gh-01",
            "events differ (1 expected, 1 actual; '!' marks a mismatch):\n"
                + "! expected: 2m AlertRaised Hot on gh-01 value=31\n"
                + "! actual:   1m AlertRaised Hot on gh-01 value=31 message=\"Hot on gh-01: 31\"",
        ])
        XCTAssertTrue(report.description.hasSuffix("1 passed, 1 failed"), report.description)
    }

    func testMalformedTestFileIsReportedWithPositions() {
        XCTAssertThrowsError(try run("""
            tests:
              - name: bad
                input_series:
                  - {device: gh-01, type: climate-sensr, metric: temperature, values: "31 3o"}
                alerts:
                  - {at: 1m, firng: []}
            """)) { error in
            XCTAssertEqual((error as? TestFailure)?.description.split(separator: "\n").filter { $0.contains("t.yaml") }
                .map { String($0.split(separator: "/").last ?? "") }, [
                    "t.yaml:4:31: unknown device type 'climate-sensr'",
                    "t.yaml:4:79: '3o' is not a number, '_' or 'axN'",
                    "t.yaml:6:18: unknown key 'firng' in an alert check",
                ])
        }
    }
}

extension RuleTestRunnerTests {
    func testIncidentTestKeysAreCheckedWithPositions() throws {
        let directory = try TemporaryDirectory(prefix: "rule-tests")
        defer { directory.remove() }
        try """
            tests:
              - name: incident
                from_history: {device: gh-01, from: yesterday, to: 2026-01-01T00:00:00Z}
                origin: 2026-01-01T00:00:00Z
                assert:
                  - {alert: Hot, raises_within: 10m}
                  - {alert: Hot, never_raises: maybe}
                  - {alert: Hot}
            """.write(toFile: directory.path + "/incident.yaml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RuleTestRunner.run(directory: directory.path, rules: try ruleSet("rules: []"), schema: fleetSchema)) { error in
            assertDiagnostics((error as? RuleError)?.diagnostics ?? [], startWith: [
                "3:41 'from' must be a time in ISO 8601",
                "3:19 with 'from_history', at: 0s is its 'from'; remove 'origin'",
                "6:9 'raises_within' needs 'of'",
                "7:36 'never_raises' takes true",
                "8:9 an assertion needs 'raises_within' (with 'of') or 'never_raises: true'",
            ])
        }
    }

    func testAHistoryTestRunsOnTheLoadedReadingsAndItsAssertionsDecide() throws {
        let directory = try TemporaryDirectory(prefix: "rule-tests")
        defer { directory.remove() }
        try """
            tests:
              - name: incident
                from_history: {device: gh-01, from: 2026-01-01T00:00:00Z, to: 2026-01-01T01:00:00Z}
                assert:
                  - {alert: Hot, raises_within: 1m, of: 2m}
                  - {alert: Hot, raises_within: 1m, of: 2026-01-01T00:10:00Z}
            """.write(toFile: directory.path + "/incident.yaml", atomically: true, encoding: .utf8)
        let from: Int64 = 1_767_225_600_000
        let rules = try ruleSet("rules:\n  - alert: Hot\n    devices: climate-sensor\n    when: temperature > 30\n")
        let report = try RuleTestRunner.run(directory: directory.path, rules: rules, schema: fleetSchema) { request in
            XCTAssertEqual(request.from, from)
            return RuleTestHistory(device: gh01, readings: [20, 20, 35, 35].enumerated().map {
                Reading(device: "gh-01", metric: "temperature", timestamp: from + Int64($0.offset) * minute, value: $0.element)
            })
        }
        XCTAssertEqual(report.cases.first?.failures, ["line 6: Hot must raise within 1m of 10m, but was raised at 2m"])
    }
}
