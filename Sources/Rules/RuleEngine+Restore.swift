extension RuleEngine {
    /// Marks alerts as firing after a restart, so replaying the log tail does not raise them
    /// again; they clear normally when their condition stops holding.
    ///
    /// `warmUpUntil` (event time, usually the last reading processed before the restart) makes
    /// the replayed tail a warm-up: up to that time the engine rebuilds windows, latest values
    /// and pending timers but changes no firing state and emits nothing. Restored alerts for
    /// devices not seen yet are applied when the device first appears; alerts whose rule no
    /// longer applies to the device are dropped.
    public mutating func restoreFiring(_ raised: [AlertRaised], warmUpUntil cutoff: Int64? = nil) {
        if let cutoff { warmUpUntil = max(warmUpUntil, cutoff) }
        for event in raised {
            restores[RestoreKey(alert: event.alert, device: event.device)] = event
            if let d = deviceIndexes[event.device] { applyRestores(to: d) }
        }
    }

    mutating func applyRestores(to d: Int) {
        let id = devices[d].device.id
        for k in devices[d].instances.indices {
            let key = RestoreKey(alert: compiled[Int(devices[d].instances[k].rule)].rule.name, device: id)
            guard let event = restores.removeValue(forKey: key) else { continue }
            devices[d].instances[k].state = .firing
            devices[d].details[k].raised = event
            devices[d].instances[k].pendingSince = event.pendingSince
            devices[d].details[k].cause = event.cause
            devices[d].instances[k].lastValue = event.value ?? .nan
            if event.flapping, let detection = timings[Int(devices[d].instances[k].rule)].flapping {
                // The changes before the restart are not kept: the alert settles one window after
                // its raise at the earliest.
                devices[d].details[k].flapping = true
                devices[d].details[k].changes = Array(repeating: event.at, count: detection.low + 1)
                devices[d].nextDeadline = .min
            }
        }
        for key in restores.keys where key.device == id { restores[key] = nil }
    }

    /// Swaps in a new rule set. Rules with the same name and canonical text keep their state
    /// (pending timers, firing alerts); windows are kept for every (metric, duration) still in
    /// use, so changed and added rules start with history. Alerts firing under removed or
    /// changed rules are cleared (at their device's watermark), returned in `events`.
    public mutating func reload(_ newRules: RuleSet) -> RuleReloadSummary {
        var summary = RuleReloadSummary()
        let old = Dictionary(compiled.map { ($0.rule.name, $0.rule.canonicalText) }, uniquingKeysWith: { a, _ in a })
        let new = Dictionary(newRules.rules.map { ($0.name, $0.canonicalText) }, uniquingKeysWith: { a, _ in a })
        for rule in newRules.rules {
            switch old[rule.name] {
            case nil: summary.added.append(rule.name)
            case rule.canonicalText: summary.unchanged.append(rule.name)
            default: summary.changed.append(rule.name)
            }
        }
        summary.removed = compiled.map(\.rule.name).filter { new[$0] == nil }
        let keep = Set(summary.unchanged)

        var carried: [(previous: [String: (RuleInstance, RuleInstanceDetail)], windows: [WindowKey: SlidingWindow])] = []
        for d in devices.indices {
            var previous: [String: (RuleInstance, RuleInstanceDetail)] = [:]
            for k in devices[d].instances.indices {
                let name = compiled[Int(devices[d].instances[k].rule)].rule.name
                if keep.contains(name) {
                    previous[name] = (devices[d].instances[k], devices[d].details[k])
                } else if devices[d].instances[k].state == .firing {
                    let (watermark, value) = (devices[d].watermark, devices[d].instances[k].lastValue)
                    evaluator.clearAlert(&devices[d], k, at: watermark, value: value, events: &summary.events)
                }
            }
            var windows: [WindowKey: SlidingWindow] = [:]
            for (slot, window) in devices[d].windows.enumerated() where !window.features.isEmpty {
                windows[windowSpecs[slot]] = window
            }
            devices[d].windows = []
            carried.append((previous, windows))
        }
        rules = newRules
        compile()
        for d in devices.indices {
            var state = devices[d]
            configure(&state, previous: carried[d].previous, oldWindows: carried[d].windows)
            devices[d] = state
        }
        return summary
    }
}
