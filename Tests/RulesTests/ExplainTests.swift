import Telemetry
import XCTest
@testable import Rules

/// `RuleEngine.explain`: every sub-expression's value at a moment against brute force over the
/// readings, and the state it reports against the events the engine emitted.
final class ExplainTests: XCTestCase {
    private let rules = """
        rules:
          - alert: Muggy
            devices: climate-sensor
            where: site == "north"
            when: avg(temperature, 5m) > 30 and delta(humidity, 2m) >= 3 or not (last(battery) > 3.3)
            for: 2m
            clear: max(temperature, 3m) - 2 < 28
        """

    func testEverySubExpressionMatchesBruteForceOnRandomSeries() throws {
        var random = SplitMix64(seed: 5)
        for round in 0..<200 {
            var engine = RuleEngine(rules: try ruleSet(rules), idGenerator: UUIDv7Generator(seed: 1))
            var readings: [(metric: String, time: Int64, value: Double)] = []
            var t: Int64 = 0
            var events: [AlertEvent] = []
            for _ in 0..<Int(random.next() % 40 + 1) {
                t += Int64(random.next() % 90 + 1) * second
                let metric = ["temperature", "humidity", "battery"][Int(random.next() % 3)]
                let value = metric == "battery" ? 3 + Double(random.next() % 8) / 10 : Double(random.next() % 20) + (metric == "temperature" ? 20 : 50)
                readings.append((metric, t, value))
                events += engine.process(Reading(device: "gh-01", metric: metric, timestamp: t, value: value), device: gh01)
            }
            let at = t + Int64(random.next() % 300) * second
            events += engine.advance(to: at)
            let explanation = try XCTUnwrap(engine.explain(device: "gh-01", at: at)?.first, "round \(round)")

            func window(_ metric: String, _ w: Int64) -> [Double] {
                readings.filter { $0.metric == metric && $0.time > t - w && $0.time <= t }.map(\.value)
            }
            let temperatures = window("temperature", 5 * minute)
            let humidity = window("humidity", 2 * minute)
            let battery = readings.last { $0.metric == "battery" }?.value
            let average: Double? = temperatures.isEmpty ? nil : temperatures.reduce(0, +) / Double(temperatures.count)
            let delta: Double? = humidity.count < 2 ? nil : humidity.last! - humidity.first!
            let hot: Bool? = average.map { $0 > 30 }
            let wet: Bool? = delta.map { $0 >= 3 }
            let low: Bool? = battery.map { !($0 > 3.3) }
            let both: Bool? = hot == false || wet == false ? false : (hot == nil || wet == nil ? nil : true)
            let when: Bool? = both == true || low == true ? true : (both == nil || low == nil ? nil : false)

            let root = explanation.when
            let context = "round \(round): \(root.json)"
            XCTAssertEqual(root.value, Self.truth(when), context)
            let and = root.children[0], not = root.children[1]
            XCTAssertEqual(and.value, Self.truth(both), context)
            XCTAssertEqual(and.children[0].children[0].value, Self.number(average), context)
            XCTAssertEqual(and.children[0].children[0].window, ExplainedExpression.Window(from: t - 5 * minute, to: t, readings: temperatures.count))
            XCTAssertEqual(and.children[1].children[0].value, Self.number(delta), context)
            XCTAssertEqual(and.children[1].children[0].window?.readings, humidity.count)
            XCTAssertEqual(not.value, Self.truth(low), context)
            XCTAssertEqual(not.children[0].children[0].value, Self.number(battery), context)
            let hottest = window("temperature", 3 * minute).max()
            XCTAssertEqual(explanation.clear?.value, Self.truth(hottest.map { $0 - 2 < 28 }), context)

            // The state is the one the emitted events leave.
            let last = events.last
            switch explanation.state {
            case .firing:
                guard case .raised(let raised)? = last else { return XCTFail("firing without a last raise, " + context) }
                XCTAssertEqual(explanation.raised, raised)
            case .pending, .inactive:
                if case .raised? = last { XCTFail("a raise is not the last event of a \(explanation.state) alert, " + context) }
            }
        }
    }

    func testALabelConditionAndAnUnknownLabelAreShown() throws {
        var engine = RuleEngine(rules: try ruleSet("""
            rules:
              - alert: North
                devices: climate-sensor
                when: site == "north" and temperature > 1
            """), idGenerator: UUIDv7Generator(seed: 1))
        _ = engine.feed(gh01, "temperature", [5])
        let explanation = try XCTUnwrap(engine.explain(device: "gh-01", at: 0)?.first)
        XCTAssertEqual(explanation.state, .firing)
        XCTAssertEqual(explanation.when.children.map(\.value), [.truth(true), .truth(true)])
        XCTAssertEqual(explanation.when.children[0].children.map(\.value), [.text("north"), .text("north")])
        XCTAssertNil(engine.explain(device: "gh-99", at: 0))
        XCTAssertTrue(explanation.json.hasPrefix(#"{"alert":"North","file":"rules.yaml","line":2,"state":"firing","pendingSince":"1970-01-01T00:00:00Z""#), explanation.json)
    }

    private static func truth(_ value: Bool?) -> ExplainedExpression.Value { value.map(ExplainedExpression.Value.truth) ?? .unknown }
    private static func number(_ value: Double?) -> ExplainedExpression.Value { value.map(ExplainedExpression.Value.number) ?? .unknown }
}
