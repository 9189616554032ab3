import Telemetry
import XCTest

final class CatalogDiagnosticTests: XCTestCase {
    func testYAMLSyntaxErrorIsLocated() {
        let lines = diagnostics(["Devices/bad.yaml": "type: x\ntopic: a/{device}\nmetrics: [unclosed\n"])
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines.first?.hasPrefix("Devices/bad.yaml:4:1: YAML syntax error: ") ?? false, "\(lines)")
    }

    func testUnknownKeySuggestsTheClosestKey() {
        let lines = diagnostics(["a.yaml": "type: x\ntopik: a/{device}\nmetrics:\n  v: { unti: C }\n"])
        XCTAssertEqual(lines, [
            "a.yaml:1:1: missing required key 'topic'",
            "a.yaml:2:1: unknown key 'topik' in device type; did you mean 'topic'?",
            "a.yaml:4:8: unknown key 'unti' in metric 'v'; did you mean 'unit'?",
        ])
    }

    func testUnknownKeyWithoutCloseMatchListsAllowedKeys() {
        let lines = diagnostics(["a.yaml": "type: x\ntopic: a/{device}\ncolour: red\nmetrics: { v: {} }\n"])
        XCTAssertEqual(lines, [
            "a.yaml:3:1: unknown key 'colour' in device type; expected one of: type, description, version, topic, format, timestamp, sequence, interval, metrics, allowed_devices",
        ])
    }

    func testMissingRequiredKeysPointAtTheDocument() {
        let lines = diagnostics(["a.yaml": "# a comment\ndescription: nothing else\n"])
        XCTAssertEqual(lines, [
            "a.yaml:2:1: missing required key 'type'",
            "a.yaml:2:1: missing required key 'topic'",
            "a.yaml:2:1: missing required key 'metrics'",
        ])
    }

    func testBadFormatIsReportedOnItsValue() {
        let lines = diagnostics(["a.yaml": "type: x\ntopic: a/{device}\nformat: jsn\nmetrics: { v: {} }\n"])
        XCTAssertEqual(lines, ["a.yaml:3:9: unknown format 'jsn'; expected one of: json, value, senml; did you mean 'json'?"])
    }

    func testOverlappingTemplatesAreReportedOnBothFiles() {
        let lines = diagnostics([
            "a.yaml": "type: a\ntopic: site/{device}/data\nmetrics: { v: {} }\n",
            "b.yaml": "# second\ntype: b\ntopic:   site/north/{device}\nmetrics: { v: {} }\n",
        ])
        XCTAssertEqual(lines, [
            "a.yaml:2:8: topic template 'site/{device}/data' can match the same topics as 'site/north/{device}' of device type 'b' (b.yaml:3:10)",
            "b.yaml:3:10: topic template 'site/north/{device}' can match the same topics as 'site/{device}/data' of device type 'a' (a.yaml:2:8)",
        ])
    }

    func testMinGreaterThanMaxPointsAtMin() {
        let lines = diagnostics(["a.yaml": "type: x\ntopic: a/{device}\nmetrics:\n  temp:\n    min: 50\n    max: 10\n"])
        XCTAssertEqual(lines, ["a.yaml:5:10: metric 'temp' has min 50 greater than max 10"])
    }

    func testTemplateProblemsAreReportedOnTheTopic() {
        let lines = diagnostics(["a.yaml": "type: x\ntopic: a/+/{site}/{site}\nmetrics: { v: {} }\n"])
        XCTAssertEqual(lines, [
            "a.yaml:2:8: topic template 'a/+/{site}/{site}': level '+' uses an MQTT wildcard; name it with {name} instead",
            "a.yaml:2:8: topic template 'a/+/{site}/{site}': placeholder '{site}' appears more than once",
            "a.yaml:2:8: topic template 'a/+/{site}/{site}': the template needs a {device} level",
        ])
    }

    func testValueFormatNeedsAMetricLevel() {
        let lines = diagnostics(["a.yaml": "type: x\ntopic: a/{device}\nformat: value\nmetrics: { v: {} }\n"])
        XCTAssertEqual(lines, ["a.yaml:2:8: format 'value' takes the metric from the topic, but template 'a/{device}' has no {metric} level"])
    }

    func testWrongTypesAreReported() {
        let lines = diagnostics(["a.yaml": """
            type: x
            topic: a/{device}
            version: two
            interval: soon
            metrics:
              v: { min: "5", optional: maybe, map: [1, 2] }
              w: 12
            """])
        XCTAssertEqual(lines, [
            "a.yaml:3:10: 'version' must be an integer, found 'two'",
            "a.yaml:4:11: 'interval' must be a positive duration like 30s, 5m or 1h, found 'soon'",
            "a.yaml:6:13: 'min' must be a number, found the quoted string '5'",
            "a.yaml:6:28: 'optional' must be true or false, found 'maybe'",
            "a.yaml:6:40: 'map' of metric 'v' must be a mapping of strings to numbers like { ON: 1, OFF: 0 }, found a list",
            "a.yaml:7:6: metric 'w' must be a mapping like { path: temp, unit: \"°C\" }, found '12'",
        ])
    }

    func testDuplicateTypeNamesAreReported() {
        let lines = diagnostics([
            "a.yaml": "type: same\ntopic: a/{device}\nmetrics: { v: {} }\n",
            "b.yaml": "type: same\ntopic: b/{device}\nmetrics: { v: {} }\n",
        ])
        XCTAssertEqual(lines, ["b.yaml:1:7: duplicate device type 'same' (first defined at a.yaml:1:7)"])
    }

    func testCollectsErrorsFromEveryFile() {
        let lines = diagnostics([
            "a.yaml": "type: a\ntopic: a/{device}\nformat: xml\nmetrics: { v: {} }\n",
            "b.yaml": "type: b\ntopic: b/{site}\nmetrics: { v: {} }\n",
            "c.yaml": "type: c\ntopic: c/{device}\nmetrics: { v: {}\n",
        ])
        XCTAssertEqual(lines.map { String($0.prefix(7)) }, ["a.yaml:", "b.yaml:", "c.yaml:"], "\(lines)")
    }

    func testDiagnosticDescriptionFormat() {
        let diagnostic = CatalogDiagnostic(file: "Devices/x.yaml", line: 3, column: 9, message: "boom")
        XCTAssertEqual(diagnostic.description, "Devices/x.yaml:3:9: boom")
        XCTAssertEqual(CatalogError(diagnostics: [diagnostic, diagnostic]).description, "Devices/x.yaml:3:9: boom\nDevices/x.yaml:3:9: boom")
    }

    func testEmptyFileAndNonMappingRoot() {
        XCTAssertEqual(diagnostics(["a.yaml": ""]), ["a.yaml:1:1: the file is empty; expected a device type with 'type', 'topic' and 'metrics'"])
        XCTAssertEqual(diagnostics(["a.yaml": "- just\n- a list\n"]), ["a.yaml:1:1: expected a mapping of device type keys ('type', 'topic', 'metrics', ...), found a list"])
    }

    func testFormatSpecificKeysAreChecked() {
        let lines = diagnostics(["a.yaml": "type: x\ntopic: a/{device}/{metric}\nformat: senml\ntimestamp: ts\nmetrics:\n  v: {}\n  w: { path: v }\n"])
        XCTAssertEqual(lines, [
            "a.yaml:2:8: {metric} in the topic is only used with format 'value' (this type is 'senml')",
            "a.yaml:4:12: 'timestamp' applies to json payloads only (format 'senml')",
            "a.yaml:7:14: metric 'w' has the same path 'v' as metric 'v'",
        ])
    }

    func testDuplicateYAMLKeysAreReported() {
        let lines = diagnostics(["a.yaml": "type: x\ntopic: a/{device}\ntopic: b/{device}\nmetrics: { v: {} }\n"])
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines.first?.hasPrefix("a.yaml:2:1: duplicate key 'topic'") ?? false, "\(lines)")
    }
}
