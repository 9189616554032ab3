extension RuleEngine {
    /// Every alert pending now, in device then rule order: read-only, for dashboards that show
    /// what is about to fire. After a warm-up (which never raises) an instance may still be
    /// pending past its ``PendingAlert/firesAt``; callers asking about a moment compare with it.
    public var pendingAlerts: [PendingAlert] {
        var result: [PendingAlert] = []
        for state in devices {
            for instance in state.instances where instance.state == .pending {
                let rule = compiled[Int(instance.rule)].rule
                result.append(PendingAlert(
                    alert: rule.name, device: state.device.id, severity: rule.severity,
                    since: instance.pendingSince, firesAt: instance.pendingSince &+ rule.holdFor))
            }
        }
        return result
    }
}

extension RuleEngine {
    /// ``advance(to:)``, but for rules whose result changes with time alone (`silent()`, `age()`)
    /// each device's clock first stops at the earliest moment after its latest reading at which
    /// advancing changes one of its alerts' states (found by bisection on a copy of that device's
    /// state), so a silence that began before `time` is pending since it began, not since `time`.
    /// For rebuilding the state at a moment after a warm-up; like the replay's virtual clock, it
    /// assumes such a change holds until the next reading (true of `silent()` and one-sided
    /// `age()` comparisons).
    public mutating func advanceFindingOnsets(to time: Int64) -> [AlertEvent] {
        var events: [AlertEvent] = []
        for d in devices.indices where !devices[d].timeDependent.isEmpty {
            var current = devices[d].watermark
            while current < time {
                let before = devices[d].instances.map(\.state)
                guard changes(device: d, advancingTo: time, from: before) else { break }
                var low = current
                var high = time
                while high - low > 1 {
                    let middle = low + (high - low) / 2
                    if changes(device: d, advancingTo: middle, from: before) {
                        high = middle
                    } else {
                        low = middle
                    }
                }
                evaluator.advance(&devices[d], to: high, events: &events)
                current = high
            }
        }
        events += advance(to: time)
        return events
    }

    private func changes(device d: Int, advancingTo time: Int64, from before: [AlertState]) -> Bool {
        var probe = devices[d]
        var evaluator = self.evaluator
        var events: [AlertEvent] = []
        evaluator.advance(&probe, to: time, events: &events)
        return !events.isEmpty || !probe.instances.map(\.state).elementsEqual(before)
    }
}
