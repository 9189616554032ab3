/// A checked expression compiled to a flat stack program, so evaluating a rule on the per-reading
/// path walks an array of plain values: no tree, no reference counting, no allocation.
///
/// Booleans are numbers: 1 true, 0 false, NaN unknown (a metric with no data yet, an empty
/// window). `and`, `or` and `not` follow Kleene's three-valued logic; a condition holds only when
/// it is exactly true.
struct Program: Hashable, Sendable {
    enum Op: Hashable, Sendable {
        case constant(Double)
        /// The metric's latest value (`RuleSet.metrics` index).
        case latest(Int)
        /// Seconds since the metric's latest reading.
        case age(Int)
        /// An aggregate of a window (`RuleSet.windows` index).
        case window(Int, WindowFunction)
        /// True when the device has been silent for the milliseconds given; 0 means the device
        /// type's default (three intervals).
        case silent(Int64)
        /// The result of the rule's label comparison with this index, fixed per device.
        case labelTest(Int)
        /// `attr.<name>`: the device's attribute (`SymbolTable` attribute index), NaN when unset.
        case attribute(Int)
        case negate, not
        case add, subtract, multiply, divide, remainder
        case less, lessEqual, greater, greaterEqual, equal, notEqual
        case and, or
        case abs, round, minimum, maximum, clamp
    }

    var ops: [Op]
    /// Deepest stack the program needs.
    var stackDepth: Int
    /// After this op runs, the top of the stack is the event's `value`.
    var valueOp: Int?
}

extension Program.Op {
    /// The op of a binary operator (both operands on the stack).
    init(_ op: Expression.BinaryOperator) {
        self = switch op {
        case .add: .add
        case .subtract: .subtract
        case .multiply: .multiply
        case .divide: .divide
        case .remainder: .remainder
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        case .equal: .equal
        case .notEqual: .notEqual
        case .and: .and
        case .or: .or
        }
    }
}
