import Telemetry

extension RuleEngine {
    /// Translates the rule set's programs to engine metric ids (stable across reloads).
    mutating func compile() {
        let symbols = rules.symbols
        let metricIDs = symbols.metrics.map { intern($0) }
        windowSpecs = symbols.windows.map { WindowKey(metric: metricIDs[$0.metric], duration: $0.duration) }
        windowFeatures = symbols.windows.map(\.features)

        func translate(_ ops: [Program.Op]) -> [Program.Op] {
            ops.map { op in
                switch op {
                case .latest(let index): .latest(metricIDs[index])
                case .age(let index): .age(metricIDs[index])
                default: op
                }
            }
        }
        compiled = rules.rules.map { rule in
            let message = rule.message.parts.map { part -> MessageTemplate.Part in
                if case .metric(let index) = part { return .metric(metricIDs[index]) }
                return part
            }
            return CompiledRule(
                rule: rule, when: translate(rule.when.ops), valueOp: rule.when.valueOp ?? -1,
                clear: rule.clear.map { translate($0.ops) },
                stackDepth: max(rule.when.stackDepth, rule.clear?.stackDepth ?? 0),
                message: message, metrics: rule.metrics.map { metricIDs[$0] }, windows: rule.windows,
                onEveryReading: rule.dependsOnTime || rule.metrics.isEmpty,
                holdFor: rule.holdFor,
                fastWhen: rule.when.valueOp == 0 ? FastCondition(translate(rule.when.ops)) : nil,
                fastClear: rule.clear.flatMap { FastCondition(translate($0.ops)) },
                dependsOnTime: rule.dependsOnTime, valueIsSilence: rule.valueIsSilence)
        }
        timings = compiled.map { rule in
            RuleTiming(holdFor: rule.holdFor, clearFor: rule.rule.clearFor, keepFiringFor: rule.rule.keepFiringFor,
                       flapping: rule.rule.flapping, dependsOnTime: rule.dependsOnTime, valueIsSilence: rule.valueIsSilence,
                       hasClear: rule.clear != nil, valueOp: rule.valueOp, fastWhen: rule.fastWhen, fastClear: rule.fastClear)
        }
        stackDepth = max(1, compiled.map(\.stackDepth).max() ?? 1)
        evaluator.maintenance = rules.maintenance
    }

    /// Matches a device against the rules and lays out its state. `previous` carries instances
    /// (by rule name) and `oldWindows` windows (by metric and duration) over from before.
    mutating func configure(
        _ state: inout DeviceState, previous: [String: (RuleInstance, RuleInstanceDetail)], oldWindows: [WindowKey: SlidingWindow]
    ) {
        let device = state.device
        state.ensureMetricCapacity(metricNames.count)
        let typeSchema = rules.schema.types[device.type]
        let typeMetrics = typeSchema.map { Set($0.metrics) }
        state.silentDefault = (typeSchema?.interval).map { $0 * 3 } ?? 0
        state.attributes = rules.symbols.attributes.map { rules.attributes.value($0, device: device.id) ?? .nan }

        var instances: [RuleInstance] = []
        var details: [RuleInstanceDetail] = []
        for (index, rule) in compiled.enumerated() {
            guard rule.rule.devices.matches(device) else { continue }
            if let typeMetrics, !rule.rule.requiredMetrics.isSubset(of: typeMetrics) { continue }
            if let filter = rule.rule.filter, LabelEvaluator.evaluate(filter, labels: device.labels) != true { continue }
            var (instance, detail) = previous[rule.rule.name] ?? (RuleInstance(rule: index), RuleInstanceDetail())
            instance.rule = Int32(index)
            detail.labelsTrue = 0
            detail.labelsKnown = 0
            for (bit, test) in rule.rule.labelTests.enumerated() {
                guard let result = LabelEvaluator.evaluate(test, labels: device.labels) else { continue }
                detail.labelsKnown |= 1 << UInt64(bit)
                if result { detail.labelsTrue |= 1 << UInt64(bit) }
            }
            instances.append(instance)
            details.append(detail)
        }

        let used = Set(instances.flatMap { compiled[Int($0.rule)].windows })
        state.windows = windowSpecs.indices.map { slot in
            let key = windowSpecs[slot]
            guard used.contains(slot) else { return SlidingWindow(duration: key.duration, features: []) }
            guard var window = oldWindows[key] else {
                return SlidingWindow(duration: key.duration, features: windowFeatures[slot])
            }
            window.enable(windowFeatures[slot])
            return window
        }
        state.windowsByMetric = Array(repeating: [], count: metricNames.count)
        for slot in used.sorted() { state.windowsByMetric[windowSpecs[slot].metric].append(slot) }

        state.instancesByMetric = Array(repeating: [], count: metricNames.count)
        state.everyReading = []
        state.timeDependent = []
        state.nextDeadline = .max
        var readByMetric = Array(repeating: Set<Int>(), count: metricNames.count)
        var readOnEveryReading = Set<Int>()
        var readByTimeDependent = Set<Int>()
        for (k, instance) in instances.enumerated() {
            let rule = compiled[Int(instance.rule)]
            if rule.onEveryReading {
                state.everyReading.append(k)
                readOnEveryReading.formUnion(rule.windows)
            } else {
                for metric in rule.metrics {
                    state.instancesByMetric[metric].append(k)
                    readByMetric[metric].formUnion(rule.windows)
                }
            }
            if rule.rule.dependsOnTime {
                state.timeDependent.append(k)
                readByTimeDependent.formUnion(rule.windows)
            }
            if instance.state == .pending, !rule.rule.dependsOnTime {
                state.nextDeadline = min(state.nextDeadline, instance.pendingSince &+ rule.rule.holdFor)
            }
            if instance.phase != .steady || details[k].flapping {
                state.nextDeadline = .min // a countdown carried over: the next timer pass recomputes it
            }
        }
        state.evictByMetric = readByMetric.indices.map { metric in
            readByMetric[metric].union(readOnEveryReading).subtracting(state.windowsByMetric[metric]).sorted()
        }
        state.timeDependentWindows = readByTimeDependent.sorted()
        state.instances = instances
        state.details = details
    }

    /// Re-lays out device `d`, keeping the instances of rules named in `keeping` and all windows.
    mutating func reconfigure(_ d: Int, keeping: Set<String>) {
        var state = devices[d]
        var previous: [String: (RuleInstance, RuleInstanceDetail)] = [:]
        for (instance, detail) in zip(state.instances, state.details) {
            let name = compiled[Int(instance.rule)].rule.name
            if keeping.contains(name) { previous[name] = (instance, detail) }
        }
        var oldWindows: [WindowKey: SlidingWindow] = [:]
        for (slot, window) in state.windows.enumerated() where slot < windowSpecs.count && !window.features.isEmpty {
            oldWindows[windowSpecs[slot]] = window
        }
        devices[d].windows = []
        configure(&state, previous: previous, oldWindows: oldWindows)
        devices[d] = state
    }
}
