import Telemetry

/// Runs a `RuleSet` over readings, in event time, and emits `AlertRaised` / `AlertCleared`.
///
/// Per (rule, device) the alert moves `inactive -> pending` (when `when` holds) `-> firing`
/// (once it has held for `for`; emits `AlertRaised`) `-> inactive` (when `clear` holds, or
/// without `clear` when `when` no longer holds; emits `AlertCleared`). A pending alert whose
/// condition stops holding returns to inactive silently.
///
/// Time is the readings' event time with a watermark per device:
/// - A reading older than its device's latest reading is *late*: it changes no window, value or
///   alert (counted in `statistics.late`). A reading with the same metric and timestamp as the
///   metric's latest is a duplicate and ignored. Readings of one device at the same instant (the
///   metrics of one message) are all accepted.
/// - Windows end at the device's latest reading: `avg(temperature, 5m)` is over
///   `(watermark - 5m, watermark]`. A metric with no data gives an unknown result, and a
///   condition holds only when it is true.
/// - A `for` timer fires at exactly `pendingSince + for` (when a later reading or
///   `advance(to:)` shows nothing changed until then), so live and replayed runs agree.
/// - `silent()` and `age()` depend on time alone: they are evaluated on readings and on
///   `advance(to:)`, which the daemon calls with the wall clock and replays with event time.
///
/// Not thread-safe: one owner serialises calls. Deterministic: the same calls in the same order
/// give the same events (ids too, with a seeded `UUIDv7Generator`). The per-reading path through
/// handles allocates nothing unless an event is emitted.
public struct RuleEngine: Sendable {
    public internal(set) var rules: RuleSet
    public internal(set) var statistics: RuleEngineStatistics {
        get { evaluator.statistics }
        set { evaluator.statistics = newValue }
    }

    /// The silences a raise is checked against (see ``Silence``): a raise in force of one is
    /// marked with its id, and its clear too. Set by the owner as silences are logged.
    public var silences: Silences {
        get { evaluator.silences }
        set { evaluator.silences = newValue }
    }

    var evaluator: RuleEvaluator
    var compiled: [CompiledRule] {
        get { evaluator.compiled }
        set { evaluator.compiled = newValue }
    }
    var timings: [RuleTiming] {
        get { evaluator.timings }
        set { evaluator.timings = newValue }
    }
    var stackDepth: Int {
        get { evaluator.stackDepth }
        set { evaluator.stackDepth = newValue }
    }
    var warmUpUntil: Int64 {
        get { evaluator.warmUpUntil }
        set { evaluator.warmUpUntil = newValue }
    }
    var windowSpecs: [WindowKey] = []
    var windowFeatures: [WindowFeatures] = []
    var devices: [DeviceState] = []
    var deviceIndexes: [String: Int] = [:]
    var metricNames: [String] = []
    var metricIndexes: [String: Int] = [:]
    var restores: [RestoreKey: AlertRaised] = [:]
    /// Reused by the grouped `process` calls.
    var groupScratch: [(metric: Int, value: Double)] = []

    struct WindowKey: Hashable {
        var metric: Int
        var duration: Int64
    }

    struct RestoreKey: Hashable {
        var alert: String
        var device: String
    }

    public init(rules: RuleSet, idGenerator: some AlertIDGenerator = UUIDv7Generator()) {
        self.rules = rules
        self.evaluator = RuleEvaluator(idGenerator: idGenerator)
        compile()
    }

    // MARK: Interning

    /// The handle of `device`, registering it (and matching it against the rules) on first use.
    /// A device seen again with a different type or labels is re-matched, keeping its state.
    public mutating func handle(for device: Device) -> DeviceHandle {
        if let index = deviceIndexes[device.id] {
            if devices[index].device != device {
                devices[index].device = device
                reconfigure(index, keeping: Set(compiled.map(\.rule.name)))
            }
            return DeviceHandle(index: index)
        }
        var state = DeviceState(device: device)
        configure(&state, previous: [:], oldWindows: [:])
        devices.append(state)
        let index = devices.count - 1
        deviceIndexes[device.id] = index
        if !restores.isEmpty { applyRestores(to: index) }
        return DeviceHandle(index: index)
    }

    /// The handle of a metric name (any name; metrics no rule reads are cheap to feed).
    public mutating func handle(forMetric name: String) -> MetricHandle {
        MetricHandle(index: intern(name))
    }

    mutating func intern(_ metric: String) -> Int {
        if let index = metricIndexes[metric] { return index }
        metricNames.append(metric)
        metricIndexes[metric] = metricNames.count - 1
        return metricNames.count - 1
    }

    // MARK: Processing

    /// Feeds one reading. `topic` and `trace` are copied into `cause` of the events it triggers.
    public mutating func process(_ reading: Reading, device: Device, topic: String? = nil, trace: MessageTrace? = nil) -> [AlertEvent] {
        let deviceHandle = handle(for: device)
        let metricHandle = handle(forMetric: reading.metric)
        return process(device: deviceHandle, metric: metricHandle, timestamp: reading.timestamp,
                       value: reading.value, topic: topic, trace: trace)
    }

    /// The allocation-free path: interned device and metric.
    public mutating func process(
        device: DeviceHandle, metric: MetricHandle, timestamp: Int64, value: Double, topic: String? = nil,
        trace: MessageTrace? = nil
    ) -> [AlertEvent] {
        let d = device.index
        let m = metric.index
        guard admits(m, value, device: d, timestamp: timestamp) else { return [] }
        var events: [AlertEvent] = []
        evaluator.apply(&devices[d], metric: m, timestamp: timestamp, value: value, topic: topic, trace: trace, events: &events)
        return events
    }

    /// Feeds the readings of one device at one instant (the metrics of one message) together:
    /// all values are applied first, then each rule that reads one of them (or every reading) is
    /// evaluated once, so a condition over several metrics never sees a mix of this instant's
    /// and older values. Readings are checked as by ``process(device:metric:timestamp:value:topic:trace:)``
    /// (non-finite, late, duplicate ones are counted and skipped). Allocates nothing once the
    /// engine's scratch space has grown, unless an event is emitted.
    public mutating func process(
        device: DeviceHandle, timestamp: Int64, readings: some Sequence<(MetricHandle, Double)>,
        topic: String? = nil, trace: MessageTrace? = nil
    ) -> [AlertEvent] {
        var group = takeGroup()
        for (metric, value) in readings { accept(metric.index, value, device: device.index, timestamp: timestamp, into: &group) }
        return evaluate(&group, device: device.index, timestamp: timestamp, topic: topic, trace: trace)
    }

    /// ``process(device:timestamp:readings:topic:trace:)`` for readings of one device in runs of
    /// equal timestamps (a message's readings; a SenML pack may hold several instants).
    public mutating func process(_ readings: [Reading], device: Device, topic: String? = nil, trace: MessageTrace? = nil) -> [AlertEvent] {
        let d = handle(for: device).index
        var events: [AlertEvent] = []
        var start = readings.startIndex
        while start < readings.endIndex {
            let timestamp = readings[start].timestamp
            var group = takeGroup()
            var end = start
            while end < readings.endIndex, readings[end].timestamp == timestamp {
                accept(intern(readings[end].metric), readings[end].value, device: d, timestamp: timestamp, into: &group)
                end += 1
            }
            events += evaluate(&group, device: d, timestamp: timestamp, topic: topic, trace: trace)
            start = end
        }
        return events
    }

    private mutating func takeGroup() -> [(metric: Int, value: Double)] {
        var group: [(metric: Int, value: Double)] = []
        swap(&group, &groupScratch)
        group.removeAll(keepingCapacity: true)
        return group
    }

    /// Counts a reading and says whether the engine takes it: finite, not older than its
    /// device's latest reading, not a second value of the metric at its latest time.
    @inline(__always)
    private mutating func admits(_ m: Int, _ value: Double, device d: Int, timestamp: Int64) -> Bool {
        evaluator.statistics.readings += 1
        guard value.isFinite else {
            evaluator.statistics.invalid += 1
            return false
        }
        guard timestamp >= devices[d].watermark else {
            evaluator.statistics.late += 1
            return false
        }
        if m >= devices[d].lastTimes.count { devices[d].ensureMetricCapacity(metricNames.count) }
        guard devices[d].lastTimes[m] != timestamp else {
            evaluator.statistics.duplicates += 1
            return false
        }
        return true
    }

    /// ``admits(_:_:device:timestamp:)``, and not the same metric twice in one group.
    private mutating func accept(_ m: Int, _ value: Double, device d: Int, timestamp: Int64, into group: inout [(metric: Int, value: Double)]) {
        guard admits(m, value, device: d, timestamp: timestamp) else { return }
        guard !group.contains(where: { $0.metric == m }) else {
            evaluator.statistics.duplicates += 1
            return
        }
        group.append((m, value))
    }

    private mutating func evaluate(
        _ group: inout [(metric: Int, value: Double)], device d: Int, timestamp: Int64, topic: String?, trace: MessageTrace?
    ) -> [AlertEvent] {
        defer { swap(&group, &groupScratch) }
        guard !group.isEmpty else { return [] }
        var events: [AlertEvent] = []
        if group.count == 1 {
            // One reading: the per-reading path, which evaluates exactly the same instances.
            evaluator.apply(&devices[d], metric: group[0].metric, timestamp: timestamp, value: group[0].value, topic: topic,
                            trace: trace, events: &events)
        } else {
            evaluator.applyGroup(&devices[d], timestamp: timestamp, readings: group, topic: topic, trace: trace, events: &events)
        }
        return events
    }

    /// Moves time forward without a reading: fires `for` timers that have run out and
    /// re-evaluates rules using `silent()` or `age()` at `time` (never before a device's
    /// watermark). Windows do not move: they end at each device's latest reading.
    public mutating func advance(to time: Int64) -> [AlertEvent] {
        var events: [AlertEvent] = []
        for d in devices.indices where devices[d].nextDeadline <= time || !devices[d].timeDependent.isEmpty {
            evaluator.advance(&devices[d], to: time, events: &events)
        }
        return events
    }

    // MARK: Inspection

    /// Every alert firing now, in device then rule order.
    public var firingAlerts: [AlertRaised] {
        devices.flatMap { $0.details.compactMap(\.raised) }
    }

    /// The state of `alert` for `device`, or nil when the rule does not apply to it (or the
    /// device was never seen).
    public func state(of alert: String, device: String) -> AlertState? {
        guard let d = deviceIndexes[device] else { return nil }
        return devices[d].instances.first { compiled[Int($0.rule)].rule.name == alert }?.state
    }

    /// The latest event time seen from `device`.
    public func watermark(of device: String) -> Int64? {
        deviceIndexes[device].map { devices[$0].watermark }
    }
}
