import Telemetry

extension RuleEngine {
    /// Every rule that selects `device`, with its state and the value of each sub-expression of
    /// `when` and `clear` at `time` (the engine's clock: call it after the readings up to `time`
    /// and `advance(to: time)`). Windows end at the device's latest reading, as when the engine
    /// evaluates them. Nil when the engine has never seen the device.
    public func explain(device id: String, at time: Int64) -> [RuleExplanation]? {
        guard let d = deviceIndexes[id] else { return nil }
        let state = devices[d]
        return state.instances.indices.map { k in
            let instance = state.instances[k]
            let rule = compiled[Int(instance.rule)].rule
            let now = max(time, state.watermark)
            let when = rule.whenExpression.map { explain($0, state, now: now) }
                ?? ExplainedExpression(text: "?", value: .unknown, window: nil, children: [])
            var explanation = RuleExplanation(
                alert: rule.name, file: rule.file, line: rule.line, state: instance.state,
                pendingSince: instance.state == .inactive ? nil : instance.pendingSince,
                raised: instance.state == .firing ? state.details[k].raised : nil,
                flapping: state.details[k].flapping, when: when,
                clear: rule.clearExpression.map { explain($0, state, now: now) }, watermark: state.watermark)
            if instance.state == .firing, instance.phase != .steady {
                explanation.countdown = (instance.phase == .clearing ? "clear_for" : "keep_firing_for", state.details[k].phaseSince)
            }
            return explanation
        }
    }

    private func explain(_ node: Expression, _ state: DeviceState, now: Int64) -> ExplainedExpression {
        func leaf(_ value: ExplainedExpression.Value, window: ExplainedExpression.Window? = nil) -> ExplainedExpression {
            ExplainedExpression(text: node.description, value: value, window: window, children: [])
        }
        func number(_ value: Double) -> ExplainedExpression.Value { value.isNaN ? .unknown : .number(value) }
        func truth(_ value: Double) -> ExplainedExpression.Value { value.isNaN ? .unknown : .truth(value != 0) }
        switch node.kind {
        case .number(let value):
            return leaf(.number(value))
        case .duration(let ms):
            return leaf(.number(Double(ms) / 1000))
        case .bool(let value):
            return leaf(.truth(value))
        case .string(let text):
            return leaf(.text(text))
        case .identifier(let name):
            if name.hasPrefix("attr.") {
                let index = rules.symbols.attributes.firstIndex(of: String(name.dropFirst(5)))
                return leaf(number(index.map { $0 < state.attributes.count ? state.attributes[$0] : .nan } ?? .nan))
            }
            if let m = metricIndexes[name] {
                return leaf(number(m < state.latest.count ? state.latest[m] : .nan))
            }
            return leaf(state.device.labels[name].map(ExplainedExpression.Value.text) ?? .unknown)
        case .unary(let op, let operand):
            let inner = explain(operand, state, now: now)
            let x = Self.numeric(inner.value)
            let value: ExplainedExpression.Value = op == .negate ? number(-x) : truth(x.isNaN ? .nan : (x == 0 ? 1 : 0))
            return ExplainedExpression(text: node.description, value: value, window: nil, children: [inner])
        case .binary(let op, let lhs, let rhs):
            let left = explain(lhs, state, now: now), right = explain(rhs, state, now: now)
            let value: ExplainedExpression.Value
            if case .text = left.value, op == .equal || op == .notEqual {
                value = LabelEvaluator.evaluate(node, labels: state.device.labels).map(ExplainedExpression.Value.truth) ?? .unknown
            } else if case .text = right.value, op == .equal || op == .notEqual {
                value = LabelEvaluator.evaluate(node, labels: state.device.labels).map(ExplainedExpression.Value.truth) ?? .unknown
            } else {
                let result = RuleEvaluator.binary(Program.Op(op), Self.numeric(left.value), Self.numeric(right.value))
                value = op.isArithmetic ? number(result) : truth(result)
            }
            return ExplainedExpression(text: node.description, value: value, window: nil, children: [left, right])
        case .call(let name, let arguments, _):
            return call(name, arguments, node: node, state, now: now)
        }
    }

    private func call(_ name: String, _ arguments: [Expression], node: Expression, _ state: DeviceState, now: Int64) -> ExplainedExpression {
        func metric(_ index: Int) -> Int? {
            guard case .identifier(let metric) = arguments[index].kind else { return nil }
            return metricIndexes[metric]
        }
        func duration(_ index: Int) -> Int64? {
            guard index < arguments.count, case .duration(let ms) = arguments[index].kind else { return nil }
            return ms
        }
        let watermark = state.watermark
        if let function = Checker.windowedFunctions[name], arguments.count == 2, let window = duration(1) {
            var value = Double.nan
            var readings = 0
            if let m = metric(0), let slot = windowSpecs.firstIndex(of: WindowKey(metric: m, duration: window)),
               slot < state.windows.count {
                var copy = state.windows[slot]
                copy.evict(now: watermark)
                value = copy.evaluate(function)
                readings = copy.count
            }
            return ExplainedExpression(
                text: node.description, value: value.isNaN ? .unknown : .number(value),
                window: ExplainedExpression.Window(from: watermark &- window, to: watermark, readings: readings), children: [])
        }
        switch name {
        case "last", "age":
            let m = metric(0)
            let value: Double
            if name == "last" {
                value = m.map { $0 < state.latest.count ? state.latest[$0] : .nan } ?? .nan
            } else {
                let time = m.map { $0 < state.lastTimes.count ? state.lastTimes[$0] : .min } ?? .min
                value = time == .min ? .nan : Double(now - time) / 1000
            }
            return ExplainedExpression(text: node.description, value: value.isNaN ? .unknown : .number(value), window: nil, children: [])
        case "silent":
            let window = duration(0) ?? state.silentDefault
            let value: ExplainedExpression.Value = window <= 0 ? .unknown : .truth(now - watermark >= window)
            return ExplainedExpression(text: node.description, value: value, window: nil, children: [])
        default:
            let children = arguments.map { explain($0, state, now: now) }
            let x = children.map { Self.numeric($0.value) }
            let result: Double = switch (name, x.count) {
            case ("abs", 1): Swift.abs(x[0])
            case ("round", 1): x[0].rounded(.toNearestOrAwayFromZero)
            case ("min", 2): RuleEvaluator.binary(.minimum, x[0], x[1])
            case ("max", 2): RuleEvaluator.binary(.maximum, x[0], x[1])
            case ("clamp", 3): RuleEvaluator.clamp(x[0], x[1], x[2])
            default: .nan
            }
            return ExplainedExpression(text: node.description, value: result.isNaN ? .unknown : .number(result), window: nil,
                                       children: children)
        }
    }

    private static func numeric(_ value: ExplainedExpression.Value) -> Double {
        switch value {
        case .number(let x): x
        case .truth(let holds): holds ? 1 : 0
        case .text, .unknown: .nan
        }
    }
}
