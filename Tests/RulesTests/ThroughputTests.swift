import Foundation
import Telemetry
import XCTest
@testable import Rules

/// Release-mode measurement of the per-reading path (no timed assertion). Run with
/// `RULES_BENCHMARK=1 swift test -c release --filter ThroughputTests`.
final class ThroughputTests: XCTestCase {
    func testFiftyWindowedRulesOverAThousandDevices() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["RULES_BENCHMARK"] != nil, "set RULES_BENCHMARK=1")
        let functions = ["avg", "max", "min", "stddev", "rate", "delta", "sum", "count"]
        let windows = ["1m", "5m", "15m"]
        var yaml = "rules:\n"
        for index in 0..<50 {
            let metric = index % 2 == 0 ? "temperature" : "humidity"
            yaml += """
                  - alert: Rule\(index)
                    devices: climate-sensor
                    when: \(functions[index % functions.count])(\(metric), \(windows[index % windows.count])) > \(1000 + index)
                    for: 1m

                """
        }
        var engine = RuleEngine(rules: try ruleSet(yaml), idGenerator: UUIDv7Generator(seed: 1))
        let deviceCount = Int(ProcessInfo.processInfo.environment["RULES_BENCHMARK_DEVICES"] ?? "") ?? 1000
        let devices = (0..<deviceCount).map { engine.handle(for: Device(id: "gh-\($0)", type: "climate-sensor", labels: ["site": "north"])) }
        let metrics = [engine.handle(forMetric: "temperature"), engine.handle(forMetric: "humidity")]

        let total = Int(ProcessInfo.processInfo.environment["RULES_BENCHMARK_READINGS"] ?? "") ?? 4_000_000
        let rounds = total / (2 * deviceCount)
        var random = SplitMix64(seed: 1)
        let values = (0..<4096).map { _ in Double.random(in: 15...35, using: &random) }
        var events = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for round in 0..<rounds {
            let time = Int64(round) * 10_000
            for (index, device) in devices.enumerated() {
                let value = values[(round &* 31 &+ index) & 4095]
                events += engine.process(device: device, metric: metrics[0], timestamp: time, value: value).count
                events += engine.process(device: device, metric: metrics[1], timestamp: time, value: value + 40).count
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let readings = Double(rounds * devices.count * 2)
        print("rules throughput: \(Int(readings / seconds)) readings/s (\(Int(readings)) readings, 50 rules, \(deviceCount) devices, \(events) events, \(String(format: "%.2f", seconds)) s)")
        XCTAssertEqual(engine.statistics.readings, Int(readings))
    }
}
