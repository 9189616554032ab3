import XCTest
@testable import Rules

/// Every kind of problem in a rule file is reported at the offending token, compiler style.
final class DiagnosticTests: XCTestCase {
    /// A one-rule file whose `when` is `expression` written plainly (the expression starts at 4:11).
    private func when(_ expression: String, devices: String = "climate-sensor", extra: String = "") -> String {
        "rules:\n  - alert: A\n    devices: \(devices)\n    when: \(expression)\n" + extra
    }

    private func assertDiagnostics(
        _ yaml: String, _ expected: [String], schema: RuleSchema = fleetSchema, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(diagnostics(yaml, schema: schema).map(\.description), expected, file: file, line: line)
    }

    // MARK: Lexer

    func testUnknownCharacterIsReportedAtItsColumn() {
        assertDiagnostics(when("temperature > 30 # 2"), [])
        assertDiagnostics(when("temperature > 30 $ 2"), [
            "rules.yaml:4:28: unexpected character '$'\n    when: temperature > 30 $ 2\n                           ^",
        ])
    }

    func testSingleEqualsSuggestsDoubleEquals() {
        assertDiagnostics(when("temperature = 30"), [
            "rules.yaml:4:23: '=' is not an operator; use '==' to compare\n    when: temperature = 30\n                      ^",
        ])
    }

    func testUnterminatedStringIsUnderlinedToTheEnd() {
        assertDiagnostics(when("'site == \"north'"), [
            "rules.yaml:4:20: unterminated string\n    when: 'site == \"north'\n                   ^~~~~~",
        ])
    }

    func testUnknownDurationUnitPointsAtTheUnit() {
        assertDiagnostics(when("avg(temperature, 5x) > 30"), [
            "rules.yaml:4:29: unknown duration unit 'x' (use ms, s, m, h, d or w)\n    when: avg(temperature, 5x) > 30\n                            ^",
        ])
    }

    func testFractionalDurationIsRejected() {
        assertDiagnostics(when("avg(temperature, 1.5h) > 30"), [
            "rules.yaml:4:28: durations take whole numbers; write '1.5h' in a smaller unit\n"
                + "    when: avg(temperature, 1.5h) > 30\n                           ^~~~",
        ])
    }

    // MARK: Parser

    func testExpressionEndingEarlyPointsPastTheLastToken() {
        assertDiagnostics("rules:\n  - alert: A\n    devices: climate-sensor\n    when: 'avg(temperature, 5m) >'\n", [
            "rules.yaml:4:34: expression ends too early\n    when: 'avg(temperature, 5m) >'\n                                 ^",
        ])
    }

    func testChainedComparisonIsRejected() {
        assertDiagnostics(when("20 < temperature < 30"), [
            "rules.yaml:4:28: comparisons cannot be chained; combine them with 'and'\n    when: 20 < temperature < 30\n                           ^",
        ])
    }

    func testUnclosedParenthesis() {
        assertDiagnostics(when("(temperature > 30"), [
            "rules.yaml:4:28: expected ')' to close '(', found 'end of expression'\n    when: (temperature > 30\n                           ^",
        ])
    }

    func testTrailingTokenAfterCompleteExpression() {
        assertDiagnostics(when("temperature > 30 humidity"), [
            "rules.yaml:4:28: unexpected 'humidity' after a complete expression\n    when: temperature > 30 humidity\n                           ^~~~~~~~",
        ])
    }

    // MARK: Checker

    func testUnknownFunctionSuggestsNearestName() {
        assertDiagnostics(when("avgg(temperature, 5m) > 30"), [
            "rules.yaml:4:11: unknown function 'avgg'\n    when: avgg(temperature, 5m) > 30\n          ^~~~\nhelp: did you mean 'avg'?",
        ])
    }

    func testUnknownMetricInDoubleQuotedScalarSuggestsNearestMetric() {
        assertDiagnostics(when("\"avg(temprature, 5m) > 30\""), [
            "rules.yaml:4:16: unknown metric 'temprature' for device type 'climate-sensor'\n"
                + "    when: \"avg(temprature, 5m) > 30\"\n               ^~~~~~~~~~\nhelp: did you mean 'temperature'?",
        ])
    }

    func testUnknownNameInLiteralBlockScalarPointsIntoTheBlock() {
        let yaml = "rules:\n  - alert: A\n    devices: climate-sensor\n    when: |\n      avg(temperature, 5m) > 30\n        and humidty > 3\n"
        assertDiagnostics(yaml, [
            "rules.yaml:6:13: unknown name 'humidty': not a metric or label of device type 'climate-sensor'\n"
                + "        and humidty > 3\n            ^~~~~~~\nhelp: did you mean 'humidity'?",
        ])
    }

    func testWrongArityUnderlinesTheCall() {
        assertDiagnostics(when("avg(temperature) > 1"), [
            "rules.yaml:4:11: 'avg' takes 2 arguments (metric, window), found 1\n    when: avg(temperature) > 1\n          ^~~~~~~~~~~~~~~~",
        ])
    }

    func testWindowMustBeADurationAndPositive() {
        assertDiagnostics(when("avg(temperature, 5) > 1 or sum(humidity, 0s) > 1"), [
            "rules.yaml:4:28: the window of 'avg' must be a duration such as 5m\n"
                + "    when: avg(temperature, 5) > 1 or sum(humidity, 0s) > 1\n                           ^",
            "rules.yaml:4:52: the window of 'sum' must be longer than zero\n"
                + "    when: avg(temperature, 5) > 1 or sum(humidity, 0s) > 1\n                                                   ^~",
        ])
    }

    func testConditionMustBeBoolean() {
        assertDiagnostics(when("avg(temperature, 5m) + 1"), [
            "rules.yaml:4:11: 'when' must be a condition (true or false), found a number\n"
                + "    when: avg(temperature, 5m) + 1\n          ^~~~~~~~~~~~~~~~~~~~~~~~",
        ])
    }

    func testMixingConditionsAndNumbersIsATypeError() {
        assertDiagnostics(when("temperature > 30 and humidity"), [
            "rules.yaml:4:32: 'and' needs conditions on both sides, found a number\n"
                + "    when: temperature > 30 and humidity\n                               ^~~~~~~~",
        ])
    }

    func testComparingLabelWithNumberIsATypeError() {
        assertDiagnostics(when("site > 3"), [
            "rules.yaml:4:18: cannot compare a string with a number\n    when: site > 3\n                 ^",
        ])
    }

    func testWhereAcceptsOnlyLabels() {
        let yaml = "rules:\n  - alert: A\n    devices: climate-sensor\n    where: temperature > 3\n    when: temperature > 30\n"
        assertDiagnostics(yaml, [
            "rules.yaml:4:12: 'where' filters on labels only; metric 'temperature' belongs in 'when'\n"
                + "    where: temperature > 3\n           ^~~~~~~~~~~",
        ])
    }

    func testSilentWithoutWindowNeedsAnInterval() {
        assertDiagnostics(when("silent()", devices: "plain-value-sensor"), [
            "rules.yaml:4:11: silent() needs a window: device type 'plain-value-sensor' declares no interval\n"
                + "    when: silent()\n          ^~~~~~~~",
        ])
        assertDiagnostics(when("silent()", devices: "climate-sensor"), [])
    }

    func testGlobSelectorAcceptsAMetricOfAnyType() {
        assertDiagnostics(when("avg(co2, 5m) > 1000 or avg(power, 1m) > 10", devices: "\"*\""), [])
        assertDiagnostics(when("avg(co3, 5m) > 1000", devices: "\"*\""), [
            "rules.yaml:4:15: unknown metric 'co3' for any device type\n    when: avg(co3, 5m) > 1000\n              ^~~\nhelp: did you mean 'co2'?",
        ])
    }

    func testMetricOfAnotherTypeIsUnknownForATypeSelector() {
        assertDiagnostics(when("co2 > 1000"), [
            "rules.yaml:4:11: unknown name 'co2': not a metric or label of device type 'climate-sensor'\n    when: co2 > 1000\n          ^~~",
        ])
    }

    // MARK: YAML structure

    func testUnknownKeysAndDeviceTypesAreAllReportedInFileOrder() {
        let yaml = "rules:\n  - alert: A\n    devices: climate-sensr\n    when: temperature > 1\n    serverity: info\n"
        assertDiagnostics(yaml, [
            "rules.yaml:3:14: unknown device type 'climate-sensr'; use a glob such as 'climate-sensr*' to select device ids\n"
                + "    devices: climate-sensr\n             ^~~~~~~~~~~~~\nhelp: did you mean 'climate-sensor'?",
            "rules.yaml:5:5: unknown key 'serverity'\n    serverity: info\n    ^~~~~~~~~\nhelp: did you mean 'severity'?",
        ])
    }

    func testInvalidSeverityAndDuration() {
        assertDiagnostics(when("temperature > 1", extra: "    severity: critcal\n    for: 5 minutes\n"), [
            "rules.yaml:5:15: unknown severity 'critcal' (use info, warning or critical)\n    severity: critcal\n              ^~~~~~~\nhelp: did you mean 'critical'?",
            "rules.yaml:6:10: 'for' must be a duration such as 30s, 5m or 1h\n    for: 5 minutes\n         ^~~~~~~~~",
        ])
    }

    func testUnknownMessagePlaceholderPointsInsideTheQuotedMessage() {
        assertDiagnostics(when("temperature > 1", extra: "    message: \"{{device}} at {{tempreature}}\"\n"), [
            "rules.yaml:5:31: unknown placeholder 'tempreature' in message\n"
                + "    message: \"{{device}} at {{tempreature}}\"\n                              ^~~~~~~~~~~\nhelp: did you mean 'temperature'?",
        ])
    }

    func testMissingWhenIsReported() {
        assertDiagnostics("rules:\n  - alert: A\n    devices: climate-sensor\n", [
            "rules.yaml:2:5: rule 'A' is missing 'when:' (its condition)\n  - alert: A\n    ^",
        ])
    }

    func testYAMLSyntaxErrorIsReportedWithItsPosition() {
        assertDiagnostics("rules:\n  - alert: A\n    when: [temperature > 1\n    severity: info\n", [
            "rules.yaml:4:13: invalid YAML: while parsing a flow sequence, did not find expected ',' or ']'\n    severity: info\n            ^",
        ])
    }

    func testDuplicateAlertNamesAcrossFiles() {
        let first = "rules:\n  - alert: Hot\n    when: temperature > 30\n"
        let second = "rules:\n  - alert: Cold\n    when: temperature < 0\n  - alert: Hot\n    when: temperature > 40\n"
        do {
            _ = try RuleSet.parse(files: [("a.yaml", first), ("b.yaml", second)], schema: fleetSchema)
            XCTFail("duplicate accepted")
        } catch {
            XCTAssertEqual(error.diagnostics.map(\.description), [
                "b.yaml:4:12: alert 'Hot' is already defined at a.yaml:2\n  - alert: Hot\n           ^~~",
            ])
        }
    }

    func testEveryFileIsCheckedAndAllDiagnosticsCollected() {
        let first = "rules:\n  - alert: A\n    devices: climate-sensor\n    when: temprature > 30\n"
        let second = "rules:\n  - alert: B\n    devices: energy-meter\n    when: avg(power, 5m) > 1 and sqrt(power) > 2\n"
        do {
            _ = try RuleSet.parse(files: [("a.yaml", first), ("b.yaml", second)], schema: fleetSchema)
            XCTFail("invalid rules accepted")
        } catch {
            XCTAssertEqual(error.diagnostics.map { "\($0.file):\($0.line):\($0.column)" }, ["a.yaml:4:11", "b.yaml:4:34"])
            XCTAssertEqual(error.diagnostics.map(\.suggestion), ["temperature", nil])
        }
    }

    func testLoadReadsADirectoryAndReportsAMissingOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "rules:\n  - alert: A\n    when: temperature > 1 +\n".write(
            to: directory.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try "not rules".write(to: directory.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        do {
            _ = try RuleSet.load(directory: directory.path, schema: fleetSchema)
            XCTFail("invalid rules accepted")
        } catch {
            XCTAssertEqual(error.diagnostics.map(\.description), [
                "\(directory.appendingPathComponent("a.yaml").path):3:28: expression ends too early\n"
                    + "    when: temperature > 1 +\n                           ^",
            ])
        }
        XCTAssertThrowsError(try RuleSet.load(directory: directory.path + "/missing", schema: fleetSchema))
    }
}
