import Telemetry

/// Everything the engine keeps for one device: its latest values, windows and rule instances,
/// all in arrays indexed by interned ids.
struct DeviceState {
    var device: Device
    /// The latest event time seen from the device; earlier readings are late.
    var watermark: Int64 = .min
    /// Per engine metric id.
    var latest: [Double] = []
    var lastTimes: [Int64] = []
    /// Per engine window slot; slots no rule of this device reads stay empty.
    var windows: [SlidingWindow] = []
    /// Per engine metric id: the window slots a reading of the metric appends to.
    var windowsByMetric: [[Int]] = []
    /// Per engine metric id: the other window slots the instances a reading of the metric
    /// evaluates read; evicted to the new watermark before those instances run, so evaluation
    /// never mutates a window.
    var evictByMetric: [[Int]] = []
    /// Window slots read by `timeDependent` instances, evicted by `advance(to:)`.
    var timeDependentWindows: [Int] = []
    /// Per engine metric id: instances to evaluate when the metric is read.
    var instancesByMetric: [[Int]] = []
    /// Instances evaluated on every reading of the device.
    var everyReading: [Int] = []
    /// Instances whose rule reads `silent()` or `age()`: `advance(to:)` evaluates them.
    var timeDependent: [Int] = []
    var instances: [RuleInstance] = []
    /// Parallel to `instances`.
    var details: [RuleInstanceDetail] = []
    /// Parallel to `instances`: scratch marks of the instances a group of readings evaluates.
    var dirty: [Bool] = []
    /// Earliest `pendingSince + for` of a pending instance (a lower bound; `.max` when none).
    var nextDeadline = Int64.max
    /// Per `SymbolTable` attribute: the device's value, NaN when unset.
    var attributes: [Double] = []
    /// `silent()` without a window: three intervals of the device type; 0 when it has none.
    var silentDefault: Int64 = 0

    init(device: Device) {
        self.device = device
    }

    mutating func ensureMetricCapacity(_ count: Int) {
        if latest.count < count {
            latest += [Double](repeating: .nan, count: count - latest.count)
            lastTimes += [Int64](repeating: .min, count: count - lastTimes.count)
        }
    }
}
