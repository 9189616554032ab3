import Telemetry

/// The part of a `RuleEngine` that evaluates rules and emits events: the compiled rules and the
/// event counters and ids. Kept apart from the engine's per-device states so a device's state is
/// passed `inout` straight from the engine's array (mutated in place, never copied) while the
/// evaluator mutates its own stored properties.
struct RuleEvaluator {
    var compiled: [CompiledRule] = []
    /// Parallel to `compiled`: what every evaluation reads.
    var timings: [RuleTiming] = []
    var stackDepth = 1
    var warmUpUntil = Int64.min
    var idGenerator: any AlertIDGenerator
    var statistics = RuleEngineStatistics()
    var silences = Silences()
    var maintenance = MaintenanceSchedule()

    init(idGenerator: any AlertIDGenerator) {
        self.idGenerator = idGenerator
    }

    /// Applies one accepted reading of metric `m` (already checked against the watermark and
    /// duplicates) to a device: windows, latest value, then the instances that read `m` or time.
    @inline(__always)
    mutating func apply(
        _ state: inout DeviceState, metric m: Int, timestamp: Int64, value: Double, topic: String?,
        trace: MessageTrace?, events: inout [AlertEvent]
    ) {
        if timestamp >= state.nextDeadline {
            fireDueTimers(&state, limit: timestamp, inclusive: false, events: &events)
        }
        state.watermark = timestamp
        state.latest[m] = value
        state.lastTimes[m] = timestamp
        let cause = AlertCause(topic: topic, at: timestamp, trace: trace)
        if m < state.windowsByMetric.count {
            for slot in state.windowsByMetric[m] {
                state.windows[slot].append(time: timestamp, value: value)
            }
            for slot in state.evictByMetric[m] {
                state.windows[slot].evict(now: timestamp)
            }
            for k in state.instancesByMetric[m] {
                step(&state, k, now: timestamp, cause: cause, events: &events)
            }
        } else {
            for slot in state.windows.indices where !state.windows[slot].features.isEmpty {
                state.windows[slot].evict(now: timestamp)
            }
        }
        for k in state.everyReading {
            step(&state, k, now: timestamp, cause: cause, events: &events)
        }
    }

    /// Applies readings of one device at one instant (already checked against the watermark and
    /// duplicates), then evaluates every instance that reads one of their metrics, or every
    /// reading, once: a condition over several metrics sees all of that instant's values.
    mutating func applyGroup(
        _ state: inout DeviceState, timestamp: Int64, readings: [(metric: Int, value: Double)], topic: String?,
        trace: MessageTrace?, events: inout [AlertEvent]
    ) {
        if timestamp >= state.nextDeadline {
            fireDueTimers(&state, limit: timestamp, inclusive: false, events: &events)
        }
        state.watermark = timestamp
        let cause = AlertCause(topic: topic, at: timestamp, trace: trace)
        if state.dirty.count != state.instances.count { state.dirty = Array(repeating: false, count: state.instances.count) }
        var evictAll = false
        for (m, value) in readings {
            state.latest[m] = value
            state.lastTimes[m] = timestamp
            guard m < state.windowsByMetric.count else {
                evictAll = true
                continue
            }
            for slot in state.windowsByMetric[m] {
                state.windows[slot].append(time: timestamp, value: value)
            }
        }
        for (m, _) in readings where m < state.windowsByMetric.count {
            for slot in state.evictByMetric[m] {
                state.windows[slot].evict(now: timestamp)
            }
            for k in state.instancesByMetric[m] { state.dirty[k] = true }
        }
        if evictAll {
            for slot in state.windows.indices where !state.windows[slot].features.isEmpty {
                state.windows[slot].evict(now: timestamp)
            }
        }
        for k in state.everyReading { state.dirty[k] = true }
        for k in state.dirty.indices where state.dirty[k] {
            state.dirty[k] = false
            step(&state, k, now: timestamp, cause: cause, events: &events)
        }
    }

    /// `RuleEngine.advance(to:)` for one device.
    mutating func advance(_ state: inout DeviceState, to time: Int64, events: inout [AlertEvent]) {
        if state.nextDeadline <= time {
            fireDueTimers(&state, limit: time, inclusive: true, events: &events)
        }
        let now = max(time, state.watermark)
        let cause = AlertCause(topic: nil, at: state.watermark)
        for slot in state.timeDependentWindows {
            state.windows[slot].evict(now: state.watermark)
        }
        for k in state.timeDependent {
            step(&state, k, now: now, cause: cause, events: &events)
        }
    }

    /// Evaluates instance `k` of a device at `now` and moves its state machine.
    mutating func step(_ state: inout DeviceState, _ k: Int, now: Int64, cause: AlertCause, events: inout [AlertEvent]) {
        let r = Int(state.instances[k].rule)
        let timing = timings[r]
        let (result, rawValue) = if let fast = timing.fastWhen {
            fast.evaluate(state)
        } else {
            run(compiled[r].when, valueOp: timing.valueOp, state, k, now: now)
        }
        let holds = result == 1
        let value = timing.valueIsSilence ? Double(now - state.watermark) / 1000 : rawValue
        let warm = now <= warmUpUntil

        switch state.instances[k].state {
        case .inactive:
            guard holds else { return }
            state.instances[k].lastValue = value
            state.instances[k].state = .pending
            state.instances[k].pendingSince = now
            state.details[k].cause = cause
            let holdFor = timing.holdFor
            if holdFor == 0 {
                if !warm { raise(&state, k, at: now, events: &events) }
            } else if !timing.dependsOnTime {
                state.nextDeadline = min(state.nextDeadline, now &+ holdFor)
            }
        case .pending:
            guard holds else {
                state.instances[k].state = .inactive
                return
            }
            state.instances[k].lastValue = value
            if !warm, state.instances[k].pendingSince &+ timing.holdFor <= now {
                raise(&state, k, at: now, events: &events)
            }
        case .firing:
            let clears: Bool
            if let fast = timing.fastClear {
                clears = fast.evaluate(state).result == 1
            } else if timing.hasClear, let clear = compiled[r].clear {
                clears = run(clear, valueOp: -1, state, k, now: now).result == 1
            } else {
                clears = !holds
            }
            if timing.clearFor == 0 && timing.keepFiringFor == 0 {
                if clears, !warm { clearAlert(&state, k, at: now, value: value, events: &events) }
            } else {
                stepCountdown(&state, k, timing: timing, holds: holds, clears: clears, value: value, now: now, warm: warm, events: &events)
            }
        }
    }

    /// A firing alert with `clear_for` / `keep_firing_for`: starts, ends or completes the
    /// countdown of its `FiringPhase`. A countdown that ran out before `now` (time-dependent
    /// rules, whose timers are left to evaluation, or a warm-up) clears at `now`.
    mutating func stepCountdown(
        _ state: inout DeviceState, _ k: Int, timing: RuleTiming, holds: Bool, clears: Bool, value: Double, now: Int64,
        warm: Bool, events: inout [AlertEvent]
    ) {
        switch state.instances[k].phase {
        case .steady:
            guard clears else { return }
            state.instances[k].phase = timing.clearFor > 0 ? .clearing : .keeping
            state.details[k].phaseSince = now
        case .clearing:
            guard clears else {
                state.instances[k].phase = .steady
                return
            }
        case .keeping:
            if holds {
                state.instances[k].phase = .steady
                return
            }
        }
        state.instances[k].lastValue = value
        if state.instances[k].phase == .clearing, state.details[k].phaseSince &+ timing.clearFor <= now {
            if timing.keepFiringFor == 0 {
                if !warm { clearAlert(&state, k, at: now, value: value, events: &events) }
                return
            }
            state.instances[k].phase = .keeping
            state.details[k].phaseSince &+= timing.clearFor
        }
        if state.instances[k].phase == .keeping, state.details[k].phaseSince &+ timing.keepFiringFor <= now {
            if !warm { clearAlert(&state, k, at: now, value: value, events: &events) }
            return
        }
        if !timing.dependsOnTime, let due = countdownDue(state, k, timing: timing) {
            state.nextDeadline = min(state.nextDeadline, due)
        }
    }

    /// When the running countdown of a firing instance ends, if one runs.
    func countdownDue(_ state: borrowing DeviceState, _ k: Int, timing: RuleTiming) -> Int64? {
        guard state.instances[k].state == .firing else { return nil }
        switch state.instances[k].phase {
        case .steady: return nil
        case .clearing: return state.details[k].phaseSince &+ timing.clearFor
        case .keeping: return state.details[k].phaseSince &+ timing.keepFiringFor
        }
    }

    /// Runs the timers that ran out before `limit` (or at it, when `inclusive`), each at the exact
    /// moment it ran out, in time order per instance: pending alerts' `for` (raise), firing
    /// alerts' `clear_for` / `keep_firing_for` countdowns (clear) and flapping alerts' settling.
    /// Rules that depend on time leave `for` and countdowns to `step`.
    @inline(never)
    mutating func fireDueTimers(_ state: inout DeviceState, limit: Int64, inclusive: Bool, events: inout [AlertEvent]) {
        var next = Int64.max
        for k in state.instances.indices {
            let rule = Int(state.instances[k].rule)
            let timing = timings[rule]
            while true {
                var due = Int64.max
                var settling = false
                if !timing.dependsOnTime {
                    switch state.instances[k].state {
                    case .pending: due = state.instances[k].pendingSince &+ timing.holdFor
                    case .firing: due = countdownDue(state, k, timing: timing) ?? .max
                    case .inactive: break
                    }
                }
                if let flapping = timing.flapping, state.details[k].flapping {
                    let settle = flapping.settleTime(state.details[k].changes)
                    if settle <= due {
                        due = settle
                        settling = true
                    }
                }
                guard due != .max else { break }
                // Settling at a reading's own time comes before the reading: the changes it makes
                // are counted after the alert settled.
                guard due < limit || ((inclusive || settling) && due == limit) else {
                    next = min(next, due)
                    break
                }
                var at = due
                if at <= warmUpUntil && !settling {
                    guard limit > warmUpUntil else {
                        next = min(next, due)
                        break
                    }
                    at = limit
                }
                if settling {
                    settle(&state, k, at: at, events: &events)
                } else if state.instances[k].state == .pending {
                    raise(&state, k, at: at, events: &events)
                } else if state.instances[k].phase == .clearing && timing.keepFiringFor > 0 {
                    state.instances[k].phase = .keeping
                    state.details[k].phaseSince = due
                } else {
                    clearAlert(&state, k, at: at, value: state.instances[k].lastValue, events: &events)
                }
            }
        }
        state.nextDeadline = next
    }

    /// Runs a program for instance `k`: (result, the value op's result).
    @inline(never)
    func run(
        _ ops: [Program.Op], valueOp: Int, _ state: borrowing DeviceState, _ k: Int, now: Int64
    ) -> (result: Double, value: Double) {
        let watermark = state.watermark
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: stackDepth) { stack in
            var sp = 0
            var value = Double.nan
            for index in ops.indices {
                switch ops[index] {
                case .constant(let constant):
                    stack[sp] = constant
                    sp += 1
                case .latest(let metric):
                    stack[sp] = metric < state.latest.count ? state.latest[metric] : .nan
                    sp += 1
                case .age(let metric):
                    let time = metric < state.lastTimes.count ? state.lastTimes[metric] : .min
                    stack[sp] = time == .min ? .nan : Double(now - time) / 1000
                    sp += 1
                case .window(let slot, let function):
                    stack[sp] = state.windows[slot].evaluate(function)
                    sp += 1
                case .silent(let milliseconds):
                    let window = milliseconds > 0 ? milliseconds : state.silentDefault
                    stack[sp] = window <= 0 ? .nan : (now - watermark >= window ? 1 : 0)
                    sp += 1
                case .attribute(let index):
                    stack[sp] = index < state.attributes.count ? state.attributes[index] : .nan
                    sp += 1
                case .labelTest(let bit):
                    let mask: UInt64 = 1 << UInt64(bit)
                    let detail = state.details[k]
                    stack[sp] = detail.labelsKnown & mask == 0 ? .nan : (detail.labelsTrue & mask == 0 ? 0 : 1)
                    sp += 1
                case .negate:
                    stack[sp - 1] = -stack[sp - 1]
                case .not:
                    let x = stack[sp - 1]
                    stack[sp - 1] = x.isNaN ? .nan : (x == 0 ? 1 : 0)
                case .abs:
                    stack[sp - 1] = Swift.abs(stack[sp - 1])
                case .round:
                    stack[sp - 1] = stack[sp - 1].rounded(.toNearestOrAwayFromZero)
                case .clamp:
                    let (x, low, high) = (stack[sp - 3], stack[sp - 2], stack[sp - 1])
                    sp -= 2
                    stack[sp - 1] = Self.clamp(x, low, high)
                default:
                    let b = stack[sp - 1]
                    let a = stack[sp - 2]
                    sp -= 1
                    stack[sp - 1] = Self.binary(ops[index], a, b)
                }
                if index == valueOp { value = stack[sp - 1] }
            }
            return (stack[0], value)
        }
    }

    @inline(__always)
    static func clamp(_ x: Double, _ low: Double, _ high: Double) -> Double {
        x.isNaN || low.isNaN || high.isNaN ? .nan : Swift.min(Swift.max(x, low), high)
    }

    @inline(__always)
    static func binary(_ op: Program.Op, _ a: Double, _ b: Double) -> Double {
        func truth(_ condition: Bool) -> Double {
            a.isNaN || b.isNaN ? .nan : (condition ? 1 : 0)
        }
        switch op {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return b == 0 ? .nan : a / b
        case .remainder: return b == 0 ? .nan : a.truncatingRemainder(dividingBy: b)
        case .less: return truth(a < b)
        case .lessEqual: return truth(a <= b)
        case .greater: return truth(a > b)
        case .greaterEqual: return truth(a >= b)
        case .equal: return truth(a == b)
        case .notEqual: return truth(a != b)
        case .and:
            if a == 0 || b == 0 { return 0 }
            return a.isNaN || b.isNaN ? .nan : 1
        case .or:
            if a == 1 || b == 1 { return 1 }
            return a.isNaN || b.isNaN ? .nan : 0
        case .minimum: return a.isNaN || b.isNaN ? .nan : Swift.min(a, b)
        case .maximum: return a.isNaN || b.isNaN ? .nan : Swift.max(a, b)
        default: return .nan
        }
    }

    @inline(never)
    mutating func raise(_ state: inout DeviceState, _ k: Int, at time: Int64, events: inout [AlertEvent]) {
        let instance = state.instances[k]
        let rule = compiled[Int(instance.rule)]
        let device = state.device
        let value: Double? = instance.lastValue.isFinite ? instance.lastValue : nil
        let labels = device.labels.merging(rule.rule.labels) { _, ruleLabel in ruleLabel }
        let silence = silenceMark(alert: rule.rule.name, device: device.id, labels: labels, at: time)
        let detection = timings[Int(instance.rule)].flapping
        let flapping = detection.map { recordChange(&state.details[k], $0, at: time, raising: true) } ?? false
        let event = AlertRaised(
            id: idGenerator.next(at: time), alert: rule.rule.name, device: device.id, deviceType: device.type,
            labels: labels, severity: rule.rule.severity, value: value, message: render(rule, state: state, value: value),
            at: time, pendingSince: instance.pendingSince, cause: state.details[k].cause, annotations: rule.rule.annotations,
            silenced: silence, flapping: flapping)
        state.instances[k].state = .firing
        state.instances[k].phase = .steady
        if flapping, let detection {
            state.nextDeadline = min(state.nextDeadline, detection.settleTime(state.details[k].changes))
        }
        state.details[k].raised = event
        statistics.raised += 1
        events.append(.raised(event))
    }

    /// The id of the silence, or the mark of the maintenance window, a raise is muted by.
    func silenceMark(alert: String, device: String, labels: [String: String], at time: Int64) -> String? {
        if !silences.isEmpty, let silence = silences.silence(alert: alert, device: device, labels: labels, at: time) {
            return silence.id
        }
        if !maintenance.isEmpty, let window = maintenance.window(alert: alert, device: device, labels: labels, at: time) {
            return window.mark
        }
        return nil
    }

    @inline(never)
    mutating func clearAlert(_ state: inout DeviceState, _ k: Int, at time: Int64, value: Double, events: inout [AlertEvent]) {
        guard let raised = state.details[k].raised else {
            state.instances[k].state = .inactive
            return
        }
        if let detection = timings[Int(state.instances[k].rule)].flapping {
            _ = recordChange(&state.details[k], detection, at: time, raising: false)
        }
        let event = AlertCleared(
            id: idGenerator.next(at: time), raisedId: raised.id, alert: raised.alert, device: raised.device,
            severity: raised.severity, value: value.isFinite ? value : nil, at: time, raisedAt: raised.at,
            silenced: raised.silenced, flapping: raised.flapping)
        state.instances[k].state = .inactive
        state.instances[k].phase = .steady
        state.details[k].raised = nil
        statistics.cleared += 1
        events.append(.cleared(event))
    }

    /// Records a state change for `flapping:`; returns whether the alert is flapping after it
    /// (only a raise starts flapping, so a clear always goes where its raise went).
    mutating func recordChange(_ detail: inout RuleInstanceDetail, _ detection: FlapDetection, at time: Int64, raising: Bool) -> Bool {
        if detail.flapping, detection.settleTime(detail.changes) <= time { detail.flapping = false }
        detail.changes.append(time)
        if detail.changes.count > detection.high + 1 { detail.changes.removeFirst() }
        if raising, !detail.flapping, detection.count(detail.changes, at: time) > detection.high { detail.flapping = true }
        return detail.flapping
    }

    /// A flapping alert settles: if it is firing on a held-back (flapping) raise, that raise ends
    /// and the alert is raised again, unmarked, so notifying sinks learn it is on.
    mutating func settle(_ state: inout DeviceState, _ k: Int, at time: Int64, events: inout [AlertEvent]) {
        state.details[k].flapping = false
        guard time > warmUpUntil, state.instances[k].state == .firing, let raised = state.details[k].raised, raised.flapping else { return }
        let value: Double? = state.instances[k].lastValue.isFinite ? state.instances[k].lastValue : nil
        let cleared = AlertCleared(
            id: idGenerator.next(at: time), raisedId: raised.id, alert: raised.alert, device: raised.device,
            severity: raised.severity, value: value, at: time, raisedAt: raised.at, silenced: raised.silenced, flapping: true)
        var again = raised
        again.id = idGenerator.next(at: time)
        again.at = time
        again.value = value
        again.flapping = false
        again.silenced = silenceMark(alert: raised.alert, device: raised.device, labels: raised.labels, at: time)
        state.details[k].raised = again
        statistics.cleared += 1
        statistics.raised += 1
        events.append(.cleared(cleared))
        events.append(.raised(again))
    }

    func render(_ rule: CompiledRule, state: DeviceState, value: Double?) -> String {
        let device = state.device
        var text = ""
        for part in rule.message {
            switch part {
            case .text(let literal): text += literal
            case .device: text += device.id
            case .value: text += value.map(ValueFormat.message) ?? "n/a"
            case .alert: text += rule.rule.name
            case .severity: text += rule.rule.severity.rawValue
            case .label(let name): text += device.labels[name] ?? ""
            case .metric(let metric):
                text += ValueFormat.message(metric < state.latest.count ? state.latest[metric] : .nan)
            }
        }
        return text
    }
}
