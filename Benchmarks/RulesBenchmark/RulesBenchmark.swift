import Foundation
import Rules
import Telemetry

/// Rules micro-benchmark (DESIGN.md section 9): readings per second through 50 windowed rules on
/// one thread, with the harness's own cost measured side by side. Build in release mode:
/// `swift build -c release --product rules-benchmark`.
@main
enum RulesBenchmark {
    static let target = 2_000_000.0

    static func main() {
        let options: BenchmarkOptions
        do {
            options = try BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
        } catch {
            fail(error.description, code: 2)
        }
        let rules: RuleSet
        do {
            rules = try RuleSet.parse(files: [("benchmark.yaml", Workload.rulesYAML())], schema: Workload.schema)
        } catch {
            fail("benchmark rules do not load: \(error)", code: 1)
        }
        let workload = Workload(readings: options.readings, deviceCount: options.devices, seed: options.seed)
        print("rules benchmark: \(grouped(workload.readings)) readings (\(workload.deviceCount) devices x 2 metrics x "
              + "\(workload.rounds) rounds, 10 s of event time apart), \(rules.rules.count) windowed rules, one thread, "
              + "\(options.rounds) alternating rounds")

        var engineRates: [Double] = []
        var baselineRates: [Double] = []
        var eventCounts: Set<Int> = []
        var statistics = RuleEngineStatistics()
        for round in 1...options.rounds {
            var sink = EngineSink(engine: RuleEngine(rules: rules, idGenerator: UUIDv7Generator(seed: options.seed)))
            let devices = (0..<workload.deviceCount).map {
                sink.engine.handle(for: Device(id: "gh-\($0)", type: "climate-sensor", labels: ["site": "north"]))
            }
            let metrics = (sink.engine.handle(forMetric: "temperature"), sink.engine.handle(forMetric: "humidity"))

            var baseline = SumSink()
            let baselineTime = feed(&baseline, workload: workload, devices: devices, metrics: metrics)
            let engineTime = feed(&sink, workload: workload, devices: devices, metrics: metrics)

            statistics = sink.engine.statistics
            guard statistics.readings == workload.readings, statistics.late == 0, statistics.duplicates == 0,
                  baseline.readings == workload.readings
            else {
                fail("the engine did not take every reading: \(statistics)", code: 1)
            }
            engineRates.append(Double(workload.readings) / engineTime)
            baselineRates.append(Double(workload.readings) / baselineTime)
            eventCounts.insert(sink.events)
            print("  round \(round): engine \(grouped(Int(engineRates.last ?? 0))) readings/s "
                  + "(\(fixed(engineTime, 3)) s, \(grouped(sink.events)) events)  baseline "
                  + "\(grouped(Int(baselineRates.last ?? 0))) readings/s (\(fixed(baselineTime, 3)) s, sum \(fixed(baseline.sum, 1)))")
        }
        guard eventCounts.count == 1 else {
            fail("rounds emitted different numbers of events: \(eventCounts.sorted())", code: 1)
        }
        let engineRate = median(engineRates)
        let baselineRate = median(baselineRates)
        print("engine: median \(grouped(Int(engineRate))) readings/s, \(fixed(1e9 / engineRate, 0)) ns/reading, "
              + "ratio to target \(fixed(engineRate / target, 2)) (target >= 2,000,000 readings/s: "
              + "\(engineRate >= target ? "met" : "missed"))")
        print("events: \(grouped(statistics.raised + statistics.cleared)) per round "
              + "(\(grouped(statistics.raised)) raised, \(grouped(statistics.cleared)) cleared)")
        print("harness baseline (sum of values, same loop): median \(grouped(Int(baselineRate))) readings/s, "
              + "\(fixed(1e9 / baselineRate, 1)) ns/reading (\(fixed(100 * engineRate / baselineRate, 1)) % of the engine's time)")
    }

    /// Feeds every reading of `workload` in event-time order and returns the seconds it took.
    @inline(never)
    static func feed<Sink: ReadingSink>(
        _ sink: inout Sink, workload: Workload, devices: [DeviceHandle], metrics: (MetricHandle, MetricHandle)
    ) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        for round in 0..<workload.rounds {
            let time = Int64(round) * Workload.interval
            for index in devices.indices {
                let temperature = workload.temperature(round: round, device: index)
                sink.consume(device: devices[index], metric: metrics.0, timestamp: time, value: temperature)
                sink.consume(device: devices[index], metric: metrics.1, timestamp: time,
                             value: temperature + Workload.humidityOffset)
            }
        }
        let elapsed = start.duration(to: clock.now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var text = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return value < 0 ? "-" + text : text
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(code)
    }
}
