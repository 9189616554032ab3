import Rules
import Telemetry

/// The benchmark's fleet, rules and signal.
///
/// The rule mix mirrors `Tests/RulesTests/ThroughputTests.swift`: 50 rules cycling through eight
/// window functions and three windows (1m, 5m, 15m) on two metrics, each with `for: 1m`. Unlike
/// that test, whose thresholds can never hold, the `avg`, `min`, `max` and `sum` rules fire on a
/// "hot spell" each device goes through every four hours of event time (30 readings 20 degrees
/// above normal), so the run also exercises pending timers, raises, clears and event building.
/// The other rules keep the test's thresholds (1000 + index), which only the `sum` rules over
/// long windows reach. `--thresholds never` gives the test's mix exactly.
struct Workload {
    static let ruleCount = 50
    /// Event time between two readings of one device, in milliseconds.
    static let interval: Int64 = 10_000
    static let schema = RuleSchema(types: [
        .init(name: "climate-sensor", metrics: ["temperature", "humidity"], labels: ["site"], interval: interval),
    ])
    private static let functions = ["avg", "max", "min", "stddev", "rate", "delta", "sum", "count"]
    private static let windows: [(name: String, readings: Int)] = [("1m", 6), ("5m", 30), ("15m", 90)]
    /// Humidity follows temperature, shifted.
    static let humidityOffset = 40.0
    private static let spellEvery = 1440
    private static let spellLength = 30
    private static let spellRise = 20.0

    let deviceCount: Int
    let rounds: Int
    private let noise: [Double]

    /// - Parameter readings: rounded down to whole rounds of `deviceCount` devices x 2 metrics.
    init(readings: Int, deviceCount: Int, seed: UInt64) {
        self.deviceCount = deviceCount
        rounds = readings / (2 * deviceCount)
        var random = SplitMix64(seed: seed)
        noise = (0..<4096).map { _ in Double.random(in: -5...5, using: &random) }
    }

    var readings: Int { rounds * deviceCount * 2 }

    /// Temperature of `device` in `round`: 25 +- 5, or 20 degrees more during its hot spell.
    @inline(__always)
    func temperature(round: Int, device: Int) -> Double {
        let base = 25 + noise[(round &* 31 &+ device) & 4095]
        return (round &+ device &* 37) % Self.spellEvery < Self.spellLength ? base + Self.spellRise : base
    }

    /// The rule file: thresholds sit between the normal range (20...30, humidity 60...70) and the
    /// hot spell's (40...50, humidity 80...90); with `neverHold`, all are `1000 + index` as in the test.
    static func rulesYAML(neverHold: Bool) -> String {
        var yaml = "rules:\n"
        for index in 0..<ruleCount {
            let temperature = index % 2 == 0
            let metric = temperature ? "temperature" : "humidity"
            let function = functions[index % functions.count]
            let window = windows[index % windows.count]
            let level = temperature ? 35.0 : 35.0 + humidityOffset
            let threshold: Double
            switch function {
            case _ where neverHold: threshold = Double(1000 + index)
            case "avg", "max", "min": threshold = level
            case "sum": threshold = level * Double(window.readings)
            default: threshold = Double(1000 + index)
            }
            yaml += """
                  - alert: Rule\(index)
                    devices: climate-sensor
                    when: \(function)(\(metric), \(window.name)) > \(threshold)
                    for: 1m

                """
        }
        return yaml
    }
}
