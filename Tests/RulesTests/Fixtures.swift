import Foundation
@testable import Rules
import Telemetry
import XCTest

/// The device types the shipped rules run against.
let fleetSchema = RuleSchema(types: [
    .init(name: "climate-sensor", metrics: ["temperature", "humidity", "battery"], labels: ["site"], interval: 30_000),
    .init(name: "zigbee-sensor", metrics: ["temperature", "humidity", "battery", "linkquality", "contact"]),
    .init(name: "plain-value-sensor", metrics: ["temperature", "humidity", "co2"], labels: ["room"]),
    .init(name: "energy-meter", metrics: ["power", "energy", "voltage", "current"], labels: ["site"]),
])

/// The repository's `Rules/` directory, found from this file's path.
let shippedRulesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Rules").path

/// The repository's `Devices/attributes.yaml`, which the shipped rules read.
let shippedAttributesFile = URL(fileURLWithPath: shippedRulesDirectory).deletingLastPathComponent()
    .appendingPathComponent("Devices/attributes.yaml").path

let minute: Int64 = 60_000
let second: Int64 = 1_000

/// One rule file's rules, or a test failure with every diagnostic.
func ruleSet(_ yaml: String, schema: RuleSchema = fleetSchema, file: String = "rules.yaml") throws -> RuleSet {
    do {
        return try RuleSet.parse(files: [(file, yaml)], schema: schema)
    } catch {
        throw TestFailure(description: error.description)
    }
}

/// The diagnostics of an invalid rule file (empty when it loads).
func diagnostics(_ yaml: String, schema: RuleSchema = fleetSchema, file: String = "rules.yaml") -> [RuleDiagnostic] {
    do {
        _ = try RuleSet.parse(files: [(file, yaml)], schema: schema)
        return []
    } catch {
        return error.diagnostics
    }
}

/// Asserts the diagnostics, as `line:column message`, one by one start with `expected`.
func assertDiagnostics(_ found: [RuleDiagnostic], startWith expected: [String], file: StaticString = #filePath, line: UInt = #line) {
    let lines = found.map { "\($0.line):\($0.column) \($0.message)" }
    XCTAssertEqual(lines.count, expected.count, lines.joined(separator: "\n"), file: file, line: line)
    for (text, prefix) in zip(lines, expected) {
        XCTAssertTrue(text.hasPrefix(prefix), "\(text) does not start with \(prefix)", file: file, line: line)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

let gh01 = Device(id: "gh-01", type: "climate-sensor", labels: ["site": "north"])

extension RuleEngine {
    /// Feeds `values` of one metric, one per `step` from `start`, collecting the events.
    mutating func feed(
        _ device: Device, _ metric: String, _ values: [Double], start: Int64 = 0, step: Int64 = minute
    ) -> [AlertEvent] {
        var events: [AlertEvent] = []
        for (index, value) in values.enumerated() {
            events += process(
                Reading(device: device.id, metric: metric, timestamp: start + Int64(index) * step, value: value),
                device: device)
        }
        return events
    }
}

/// `AlertRaised at 7m value 35` style summaries, for readable assertions.
func summary(_ events: [AlertEvent]) -> [String] {
    events.map { event in
        "\(event.typeName) \(event.alert) \(event.device) at \(RuleDuration.format(event.at)) value \(event.value.map(JSONWriter.number) ?? "null")"
    }
}
