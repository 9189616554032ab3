/// The shape most rules have, `aggregate(metric, window) > constant` or `metric < constant`,
/// evaluated without the stack machine.
struct FastCondition {
    enum Operand {
        case latest(Int)
        case window(Int, WindowFunction)
    }

    var operand: Operand
    var comparison: Program.Op
    var constant: Double

    /// Recognises `[operand, constant, comparison]` (the value is the operand).
    init?(_ ops: [Program.Op]) {
        guard ops.count == 3, case .constant(let constant) = ops[1] else { return nil }
        switch ops[2] {
        case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual: comparison = ops[2]
        default: return nil
        }
        switch ops[0] {
        case .latest(let metric): operand = .latest(metric)
        case .window(let slot, let function): operand = .window(slot, function)
        default: return nil
        }
        self.constant = constant
    }

    @inline(__always)
    func evaluate(_ state: inout DeviceState) -> (result: Double, value: Double) {
        let value: Double
        switch operand {
        case .latest(let metric):
            value = metric < state.latest.count ? state.latest[metric] : .nan
        case .window(let slot, let function):
            value = state.windows[slot].value(of: function, now: state.watermark)
        }
        return (RuleEngine.binary(comparison, value, constant), value)
    }
}
