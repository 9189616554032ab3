import Telemetry
import XCTest
@testable import Rules

/// Per-device thresholds: the attributes file, the rules that read `attr.<name>`, their
/// diagnostics, and the engine against brute force.
final class DeviceAttributeTests: XCTestCase {
    private let attributesYAML = """
        attributes:
          "*": {max_temp: 30}
          "gh-0?": {max_temp: 28, min_humidity: 40}
          gh-07: {max_temp: 26.5}
        """

    private func rules(_ yaml: String, attributes: String? = nil) throws -> RuleSet {
        let (parsed, problems) = DeviceAttributesParser.parse(file: "attributes.yaml", contents: attributes ?? attributesYAML)
        XCTAssertEqual(problems, [])
        do {
            return try RuleSet.parse(files: [("rules.yaml", yaml)], schema: fleetSchema, attributes: parsed)
        } catch {
            throw TestFailure(description: error.description)
        }
    }

    private func problems(_ yaml: String) -> [RuleDiagnostic] {
        let (parsed, _) = DeviceAttributesParser.parse(file: "attributes.yaml", contents: attributesYAML)
        do {
            _ = try RuleSet.parse(files: [("rules.yaml", yaml)], schema: fleetSchema, attributes: parsed)
            return []
        } catch {
            return error.diagnostics
        }
    }

    func testLaterEntriesOverrideEarlierOnes() throws {
        let attributes = try rules("rules: []").attributes
        XCTAssertEqual(attributes.value("max_temp", device: "gh-07"), 26.5)
        XCTAssertEqual(attributes.value("max_temp", device: "gh-03"), 28)
        XCTAssertEqual(attributes.value("max_temp", device: "pm-1"), 30)
        XCTAssertEqual(attributes.value("min_humidity", device: "pm-1"), nil)
    }

    func testTheAttributesFileReportsEveryMistakeWithItsPosition() {
        let (_, found) = DeviceAttributesParser.parse(file: "attributes.yaml", contents: """
            attributes:
              "*": {max_temp: warm, 2x: 3}
              gh-01: 12
              gh-02: {limit: "30"}
            colour: red
            """)
        assertDiagnostics(found, startWith: [
            "2:19 attribute 'max_temp' must be a number",
            "2:25 attribute names are letters",
            "3:10 the attributes of 'gh-01' must be a mapping",
            "4:18 attribute 'limit' must be a number",
            "5:1 unknown top-level key 'colour'",
        ])
    }

    func testRulesCheckUnknownAndUncoveredAttributes() {
        let found = problems("""
            rules:
              - alert: A
                devices: climate-sensor
                when: temperature > attr.max_tmp
              - alert: B
                devices: climate-sensor
                when: humidity < attr.min_humidity
              - alert: C
                devices: "gh-0?"
                when: humidity < attr.min_humidity
              - alert: D
                devices: climate-sensor
                where: attr.max_temp == "x"
                when: temperature > 1
            """)
        assertDiagnostics(found, startWith: [
            "4:25 unknown attribute 'max_tmp'",
            "7:22 attribute 'min_humidity' is not set for every device this rule selects",
            "13:12 'where' filters on labels only",
        ])
        XCTAssertEqual(found.first?.suggestion, "attr.max_temp")
    }

    /// Random devices and temperatures: raised exactly when the reading is above the device's own
    /// threshold, as the file resolves it by hand.
    func testThresholdsPerDeviceMatchBruteForce() throws {
        var engine = RuleEngine(rules: try rules("""
            rules:
              - alert: Hot
                devices: climate-sensor
                when: temperature - attr.max_temp > 0
            """), idGenerator: UUIDv7Generator(seed: 1))
        var random = SplitMix64(seed: 3)
        var firing: Set<String> = []
        for step in 0..<2000 {
            let id = ["gh-01", "gh-07", "gh-11", "pm-1"][Int(random.next() % 4)]
            let temperature = 24 + Double(random.next() % 80) / 10
            let threshold = id == "gh-07" ? 26.5 : (id.hasPrefix("gh-0") ? 28 : 30)
            let device = Device(id: id, type: "climate-sensor", labels: ["site": "north"])
            let events = engine.process(Reading(device: id, metric: "temperature", timestamp: Int64(step) * second, value: temperature),
                                        device: device)
            let above = temperature > threshold
            let expected: [String] = above && !firing.contains(id) ? ["AlertRaised"] : (!above && firing.contains(id) ? ["AlertCleared"] : [])
            XCTAssertEqual(events.map(\.typeName), expected, "\(id) at \(temperature) against \(threshold)")
            if above { firing.insert(id) } else { firing.remove(id) }
        }
        let explanation = try XCTUnwrap(engine.explain(device: "gh-07", at: 0)?.first)
        XCTAssertEqual(explanation.when.children[0].children[1].value, .number(26.5))
    }
}
