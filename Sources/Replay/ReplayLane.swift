import Rules
import Telemetry

/// One rule engine replaying one device on a virtual clock.
///
/// Readings go through `RuleEngine.process`, exactly as in the daemon, which fires `for` timers
/// at the moment they run out. Rules whose result changes with time alone (`silent()`, `age()`)
/// are what the daemon's wall-clock tick drives between readings; here the clock jumps instead
/// to the earliest moment in each gap at which advancing changes an alert's state
/// (`RuleEngine.advanceFindingOnsets`, which knows which rules depend on time). So a silence is
/// raised at its deadline (`watermark + window`); the daemon raises it at its first tick after
/// that, up to a tick (1 s) later.
struct ReplayLane {
    private(set) var engine: RuleEngine
    /// No rule depends on time: nothing can happen between readings but `for` timers, which
    /// `process` fires.
    private let timeDriven: Bool
    private(set) var watermark = Int64.min
    /// The start of the range after a warm-up: the clock stops there once, so timers that ran
    /// out during the warm-up fire at the start whatever the rules.
    private var rangeStart: Int64?

    init(template: RuleEngine, rangeStart: Int64?) {
        engine = template
        timeDriven = template.rules.dependsOnTime
        self.rangeStart = rangeStart
    }

    /// The readings of the instant being gathered: evaluated together once the next instant (or
    /// the end) shows that instant is complete.
    private var run: (device: Device, timestamp: Int64, readings: [Reading])?

    mutating func feed(_ reading: Reading, device: Device, into events: inout [AlertEvent]) {
        if let current = run, current.timestamp == reading.timestamp, current.device.id == device.id {
            run?.readings.append(reading)
            return
        }
        flush(into: &events)
        if let start = rangeStart, reading.timestamp >= start {
            rangeStart = nil
            if watermark != .min, start > watermark {
                advance(to: start, into: &events)
            }
        }
        if timeDriven, watermark != .min, reading.timestamp - 1 > watermark {
            events += engine.advanceFindingOnsets(to: reading.timestamp - 1)
        }
        run = (device, reading.timestamp, [reading])
    }

    /// Moves the clock to `end` (inclusive) after the device's last reading in range.
    mutating func finish(at end: Int64, into events: inout [AlertEvent]) {
        flush(into: &events)
        advance(to: end, into: &events)
    }

    private mutating func flush(into events: inout [AlertEvent]) {
        guard let current = run else { return }
        run = nil
        events += engine.process(current.readings, device: current.device)
        watermark = max(watermark, current.timestamp)
    }

    private mutating func advance(to end: Int64, into events: inout [AlertEvent]) {
        guard watermark != .min, end > watermark else { return }
        events += timeDriven ? engine.advanceFindingOnsets(to: end) : engine.advance(to: end)
    }
}
