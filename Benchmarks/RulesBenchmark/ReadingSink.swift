import Rules

/// Where the benchmark loop sends each reading. The engine and the baseline run through the same
/// generic loop, so the baseline's time is exactly the harness's share of the engine's.
protocol ReadingSink {
    mutating func consume(device: DeviceHandle, metric: MetricHandle, timestamp: Int64, value: Double)
}

/// The measured path: every reading through `RuleEngine`'s handle API.
struct EngineSink: ReadingSink {
    var engine: RuleEngine
    private(set) var events = 0

    init(engine: RuleEngine) {
        self.engine = engine
    }

    mutating func consume(device: DeviceHandle, metric: MetricHandle, timestamp: Int64, value: Double) {
        events &+= engine.process(device: device, metric: metric, timestamp: timestamp, value: value).count
    }
}

/// The baseline: a trivial computation per reading (a running sum the caller prints, so the
/// optimiser cannot drop the loop).
struct SumSink: ReadingSink {
    private(set) var sum = 0.0
    private(set) var readings = 0

    mutating func consume(device: DeviceHandle, metric: MetricHandle, timestamp: Int64, value: Double) {
        sum += value
        readings &+= 1
    }
}
