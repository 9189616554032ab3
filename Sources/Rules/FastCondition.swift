/// The shape most rules have, `aggregate(metric, window) > constant` or `metric < constant`,
/// evaluated without the stack machine. Packed in 16 bytes: it is read on every evaluation.
struct FastCondition {
    enum Comparison: UInt8 {
        case less, lessEqual, greater, greaterEqual, equal, notEqual
    }

    /// A window slot when `isWindow`, else an engine metric id.
    var index: Int32
    var isWindow: Bool
    var function: WindowFunction
    var comparison: Comparison
    var constant: Double

    /// Recognises `[operand, constant, comparison]` (the value is the operand).
    init?(_ ops: [Program.Op]) {
        guard ops.count == 3, case .constant(let constant) = ops[1] else { return nil }
        switch ops[2] {
        case .less: comparison = .less
        case .lessEqual: comparison = .lessEqual
        case .greater: comparison = .greater
        case .greaterEqual: comparison = .greaterEqual
        case .equal: comparison = .equal
        case .notEqual: comparison = .notEqual
        default: return nil
        }
        switch ops[0] {
        case .latest(let metric):
            guard let index = Int32(exactly: metric) else { return nil }
            (self.index, isWindow, function) = (index, false, .count)
        case .window(let slot, let function):
            guard let index = Int32(exactly: slot) else { return nil }
            (self.index, isWindow, self.function) = (index, true, function)
        default: return nil
        }
        self.constant = constant
    }

    /// (1, 0 or NaN, the operand's value). Windows must already be evicted to the watermark.
    @inline(__always)
    func evaluate(_ state: borrowing DeviceState) -> (result: Double, value: Double) {
        let value: Double
        let i = Int(index)
        if isWindow {
            value = state.windows[i].evaluate(function)
        } else {
            value = i < state.latest.count ? state.latest[i] : .nan
        }
        guard !value.isNaN, !constant.isNaN else { return (.nan, value) }
        let holds = switch comparison {
        case .less: value < constant
        case .lessEqual: value <= constant
        case .greater: value > constant
        case .greaterEqual: value >= constant
        case .equal: value == constant
        case .notEqual: value != constant
        }
        return (holds ? 1 : 0, value)
    }
}
