import Rules
import Telemetry

/// One rule engine replaying one device on a virtual clock.
///
/// Readings go through `RuleEngine.process`, exactly as in the daemon, which fires `for` timers
/// at the moment they run out. Rules whose result changes with time alone (`silent()`, `age()`)
/// are what the daemon's wall-clock tick drives between readings; here the clock jumps instead
/// to the earliest moment in each gap at which advancing changes an alert's state, found by
/// bisection on copies of the engine (an engine is a value). So a silence is raised at its
/// deadline (`watermark + window`); the daemon raises it at its first tick after that, up to a
/// tick (1 s) later. Bisection assumes the state, once changed, stays changed until the next
/// reading, which holds for `silent()` and one-sided `age()` comparisons.
struct ReplayLane {
    private(set) var engine: RuleEngine
    private let timeDriven: Bool
    private let alerts: [String]
    private(set) var watermark = Int64.min
    /// The start of the range after a warm-up: the clock stops there once, so timers that ran
    /// out during the warm-up fire at the start whatever the rules.
    private var rangeStart: Int64?

    init(template: RuleEngine, timeDriven: Bool, rangeStart: Int64?) {
        engine = template
        self.timeDriven = timeDriven
        self.rangeStart = rangeStart
        alerts = template.rules.rules.map(\.name)
    }

    mutating func feed(_ reading: Reading, device: Device, into events: inout [AlertEvent]) {
        if let start = rangeStart, reading.timestamp >= start {
            rangeStart = nil
            if watermark != .min, start > watermark {
                finish(at: start, device: device.id, into: &events)
            }
        }
        if timeDriven, watermark != .min, reading.timestamp - 1 > watermark {
            runClock(through: reading.timestamp - 1, device: device.id, into: &events)
        }
        events += engine.process(reading, device: device)
        watermark = max(watermark, reading.timestamp)
    }

    /// Moves the clock to `end` (inclusive) after the device's last reading in range.
    mutating func finish(at end: Int64, device: String, into events: inout [AlertEvent]) {
        guard watermark != .min, end > watermark else { return }
        if timeDriven {
            runClock(through: end, device: device, into: &events)
        }
        events += engine.advance(to: end)
    }

    private mutating func runClock(through limit: Int64, device: String, into events: inout [AlertEvent]) {
        var current = watermark
        while current < limit {
            let before = states(of: engine, device: device)
            guard changes(advancingTo: limit, from: before, device: device) else { return }
            var low = current
            var high = limit
            while high - low > 1 {
                let middle = low + (high - low) / 2
                if changes(advancingTo: middle, from: before, device: device) {
                    high = middle
                } else {
                    low = middle
                }
            }
            events += engine.advance(to: high)
            current = high
        }
    }

    private func changes(advancingTo time: Int64, from before: [AlertState?], device: String) -> Bool {
        var probe = engine
        if !probe.advance(to: time).isEmpty { return true }
        return states(of: probe, device: device) != before
    }

    private func states(of engine: RuleEngine, device: String) -> [AlertState?] {
        alerts.map { engine.state(of: $0, device: device) }
    }
}
