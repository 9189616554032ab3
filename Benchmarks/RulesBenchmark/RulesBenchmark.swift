import Foundation
import Rules
import Telemetry

/// Rules micro-benchmark: readings per second through 50 windowed rules on
/// one thread, with the harness's own cost measured side by side. Build in release mode:
/// `swift build -c release --product rules-benchmark`.
///
/// Rates are given from wall time and from the thread's CPU time: on a busy machine the second
/// is the one to trust (the two agree when the core is free).
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
            let yaml = Workload.rulesYAML(neverHold: options.thresholdsNeverHold)
            rules = try RuleSet.parse(files: [("benchmark.yaml", yaml)], schema: Workload.schema)
        } catch {
            fail("benchmark rules do not load: \(error)", code: 1)
        }
        let workload = Workload(readings: options.readings, deviceCount: options.devices, seed: options.seed)
        print("rules benchmark: \(grouped(workload.readings)) readings (\(workload.deviceCount) devices x 2 metrics x "
              + "\(workload.rounds) rounds, 10 s of event time apart), \(rules.rules.count) windowed rules "
              + "(thresholds: \(options.thresholdsNeverHold ? "ThroughputTests' 1000 + index" : "hot spells")), one thread, "
              + "\(options.rounds) alternating rounds")

        var engineWall: [Double] = [], engineCPU: [Double] = [], baselineCPU: [Double] = [], groupedCPU: [Double] = []
        var eventCounts: Set<Int> = []
        var raised = 0, cleared = 0
        for round in 1...options.rounds {
            var sink = EngineSink(engine: RuleEngine(rules: rules, idGenerator: UUIDv7Generator(seed: options.seed)))
            let devices = (0..<workload.deviceCount).map {
                sink.engine.handle(for: Device(id: "gh-\($0)", type: "climate-sensor", labels: ["site": "north"]))
            }
            let metrics = (sink.engine.handle(forMetric: "temperature"), sink.engine.handle(forMetric: "humidity"))

            var baseline = SumSink()
            let baselineTime = feed(&baseline, workload: workload, devices: devices, metrics: metrics)
            let engineTime = feed(&sink, workload: workload, devices: devices, metrics: metrics)

            // The daemon's path since readings of one instant are evaluated together: both metrics of
            // a device's message in one call.
            var groupedEngine = RuleEngine(rules: rules, idGenerator: UUIDv7Generator(seed: options.seed))
            let groupedDevices = (0..<workload.deviceCount).map {
                groupedEngine.handle(for: Device(id: "gh-\($0)", type: "climate-sensor", labels: ["site": "north"]))
            }
            let groupedMetrics = (groupedEngine.handle(forMetric: "temperature"), groupedEngine.handle(forMetric: "humidity"))
            let (groupedTime, groupedEvents) = feedGrouped(&groupedEngine, workload: workload, devices: groupedDevices, metrics: groupedMetrics)
            groupedCPU.append(Double(workload.readings) / groupedTime.cpu)

            let statistics = sink.engine.statistics
            guard statistics.readings == workload.readings, statistics.late == 0, statistics.duplicates == 0,
                  baseline.readings == workload.readings
            else {
                fail("the engine did not take every reading: \(statistics)", code: 1)
            }
            raised = statistics.raised
            cleared = statistics.cleared
            eventCounts.insert(sink.events)
            eventCounts.insert(groupedEvents)
            let readings = Double(workload.readings)
            engineWall.append(readings / engineTime.wall)
            engineCPU.append(readings / engineTime.cpu)
            baselineCPU.append(readings / baselineTime.cpu)
            print("  round \(round): engine \(grouped(engineWall.last)) readings/s wall, \(grouped(engineCPU.last)) CPU "
                  + "(\(fixed(engineTime.wall, 3)) s wall, \(fixed(engineTime.cpu, 3)) s CPU, \(grouped(sink.events)) events)"
                  + "  grouped \(grouped(groupedCPU.last)) readings/s CPU"
                  + "  baseline \(grouped(baselineCPU.last)) readings/s CPU (sum \(fixed(baseline.sum, 1)))")
        }
        guard eventCounts.count == 1 else {
            fail("rounds emitted different numbers of events: \(eventCounts.sorted())", code: 1)
        }
        let wall = median(engineWall), cpu = median(engineCPU), base = median(baselineCPU)
        print("engine: median \(grouped(wall)) readings/s wall (ratio to target \(fixed(wall / target, 2))), "
              + "\(grouped(cpu)) readings/s CPU time (ratio \(fixed(cpu / target, 2)), \(fixed(1e9 / cpu, 0)) ns/reading); "
              + "target >= 2,000,000 readings/s: \(max(wall, cpu) >= target ? "met" : "missed")")
        print("engine, a device's two metrics per call (process(device:timestamp:readings:), the daemon's path): median "
              + "\(grouped(median(groupedCPU))) readings/s CPU (\(fixed(median(groupedCPU) / cpu, 2)) x the per-reading path)")
        print("events: \(grouped(raised + cleared)) per round (\(grouped(raised)) raised, \(grouped(cleared)) cleared)")
        print("harness baseline (sum of values, same loop): median \(grouped(base)) readings/s CPU, "
              + "\(fixed(1e9 / base, 1)) ns/reading (\(fixed(100 * cpu / base, 1)) % of the engine's time)")
    }

    /// Feeds every reading of `workload` in event-time order; returns wall and thread CPU seconds.
    @inline(never)
    static func feed<Sink: ReadingSink>(
        _ sink: inout Sink, workload: Workload, devices: [DeviceHandle], metrics: (MetricHandle, MetricHandle)
    ) -> (wall: Double, cpu: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = threadCPUSeconds()
        for round in 0..<workload.rounds {
            let time = Int64(round) * Workload.interval
            for index in devices.indices {
                let temperature = workload.temperature(round: round, device: index)
                sink.consume(device: devices[index], metric: metrics.0, timestamp: time, value: temperature)
                sink.consume(device: devices[index], metric: metrics.1, timestamp: time,
                             value: temperature + Workload.humidityOffset)
            }
        }
        let cpu = threadCPUSeconds() - cpuStart
        let elapsed = start.duration(to: clock.now)
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, cpu)
    }

    /// Both metrics of each device's instant through the grouped API (no allocation: `Pair`).
    @inline(never)
    static func feedGrouped(
        _ engine: inout RuleEngine, workload: Workload, devices: [DeviceHandle], metrics: (MetricHandle, MetricHandle)
    ) -> (time: (wall: Double, cpu: Double), events: Int) {
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = threadCPUSeconds()
        var events = 0
        for round in 0..<workload.rounds {
            let time = Int64(round) * Workload.interval
            for index in devices.indices {
                let temperature = workload.temperature(round: round, device: index)
                events &+= engine.process(device: devices[index], timestamp: time, readings: Pair(
                    first: (metrics.0, temperature), second: (metrics.1, temperature + Workload.humidityOffset))).count
            }
        }
        let cpu = threadCPUSeconds() - cpuStart
        let elapsed = start.duration(to: clock.now)
        return ((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, cpu), events)
    }

    /// Two readings as a sequence without an array.
    struct Pair: Sequence, IteratorProtocol {
        var first: (MetricHandle, Double)?
        var second: (MetricHandle, Double)?

        mutating func next() -> (MetricHandle, Double)? {
            if let value = first {
                first = nil
                return value
            }
            defer { second = nil }
            return second
        }
    }

    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
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

    /// `1234567.8` as `1,234,568`.
    static func grouped(_ value: Double?) -> String {
        grouped(Int((value ?? 0).rounded()))
    }

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
