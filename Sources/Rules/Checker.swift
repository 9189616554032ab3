import Telemetry
/// Type-checks a parsed expression against a rule's scope and compiles it to a `Program`.
///
/// Errors are collected (not thrown on the first) so `rules check` reports every problem; a node
/// whose type could not be determined yields nil and its parents stay quiet about it.
struct Checker {
    enum Field: String {
        case when, clear, `where`
    }

    static let windowedFunctions: [String: WindowFunction] = [
        "avg": .average, "sum": .sum, "count": .count, "stddev": .standardDeviation,
        "delta": .delta, "rate": .rate, "min": .minimum, "max": .maximum,
    ]
    static let functionNames = ["abs", "age", "avg", "clamp", "count", "delta", "last", "max", "min", "rate",
                                "round", "silent", "stddev", "sum"]

    let scope: RuleScope
    let field: Field
    private(set) var errors: [ExpressionError] = []
    /// Label comparisons, shared by a rule's `when` and `clear` (index = `Op.labelTest`).
    var labelTests: [Expression] = []
    private(set) var usesTime = false
    private(set) var metricsUsed: Set<String> = []
    private(set) var usesSilence = false

    private var ops: [Program.Op] = []
    private var depth = 0
    private var maxDepth = 0
    private var valueChosen = false
    private var valueOp: Int?

    init(scope: RuleScope, field: Field, labelTests: [Expression] = []) {
        self.scope = scope
        self.field = field
        self.labelTests = labelTests
    }

    /// Checks `expression` as a condition and returns its program, or nil after recording errors.
    mutating func compileCondition(_ expression: Expression, symbols: inout SymbolTable) -> Program? {
        let type = check(expression, symbols: &symbols)
        if let type, type != .condition {
            errors.append(ExpressionError(
                offset: expression.start, length: expression.length,
                "'\(field.rawValue)' must be a condition (true or false), found \(type.noun)"))
        }
        guard errors.isEmpty, type != nil else { return nil }
        return Program(ops: ops, stackDepth: maxDepth, valueOp: valueOp)
    }

    private mutating func emit(_ op: Program.Op, pops: Int, pushes: Int = 1) {
        ops.append(op)
        depth += pushes - pops
        maxDepth = max(maxDepth, depth)
    }

    private mutating func fail(_ node: Expression, _ message: String, suggestion: String? = nil) -> ValueType? {
        errors.append(ExpressionError(offset: node.start, length: node.length, message, suggestion: suggestion))
        return nil
    }

    private mutating func check(_ node: Expression, symbols: inout SymbolTable) -> ValueType? {
        switch node.kind {
        case .number(let value):
            emit(.constant(value), pops: 0)
            return .number
        case .duration(let ms):
            emit(.constant(Double(ms) / 1000), pops: 0)
            return .number
        case .bool(let value):
            emit(.constant(value ? 1 : 0), pops: 0)
            return .condition
        case .string:
            return .string
        case .identifier(let name):
            return identifier(name, node: node, symbols: &symbols)
        case .unary(let op, let operand):
            guard let type = check(operand, symbols: &symbols) else { return nil }
            switch op {
            case .negate:
                guard type == .number else { return fail(operand, "'-' needs a number, found \(type.noun)") }
                emit(.negate, pops: 1)
                return .number
            case .not:
                guard type == .condition else { return fail(operand, "'not' needs a condition, found \(type.noun)") }
                emit(.not, pops: 1)
                return .condition
            }
        case .binary(let op, let lhs, let rhs):
            return binary(op, lhs, rhs, node: node, symbols: &symbols)
        case .call(let name, let arguments, let nameEnd):
            return call(name, arguments, node: node, nameEnd: nameEnd, symbols: &symbols)
        }
    }

    private mutating func identifier(_ name: String, node: Expression, symbols: inout SymbolTable) -> ValueType? {
        if name.hasPrefix("$") {
            let parameter = String(name.dropFirst())
            guard let value = scope.parameters[parameter] else {
                return fail(node, "unknown parameter '\(name)': declare it in the rule's params: (params: {\(parameter): 30})",
                            suggestion: Suggestion.nearest(to: parameter, in: scope.parameters.keys.sorted()).map { "$" + $0 })
            }
            emit(.constant(value), pops: 0)
            return .number
        }
        if name.hasPrefix("attr.") {
            let attribute = String(name.dropFirst(5))
            guard field != .where else { return fail(node, "'where' filters on labels only; use attr.\(attribute) in 'when'") }
            guard scope.attributes.contains(attribute) else {
                let place = scope.attributesFile.isEmpty ? "there is no attributes file (Devices/attributes.yaml)" : "not set in " + scope.attributesFile
                return fail(node, "unknown attribute '\(attribute)': \(place)",
                            suggestion: Suggestion.nearest(to: attribute, in: scope.attributes.sorted()).map { "attr." + $0 })
            }
            guard scope.coveredAttributes.contains(attribute) else {
                return fail(node, "attribute '\(attribute)' is not set for every device this rule selects;"
                            + " give it a default under \"*\" in \(scope.attributesFile) or narrow 'devices:'")
            }
            emit(.attribute(symbols.attribute(attribute)), pops: 0)
            return .number
        }
        if scope.metrics.contains(name) {
            guard field != .where else {
                return fail(node, "'where' filters on labels only; metric '\(name)' belongs in 'when'")
            }
            metricsUsed.insert(name)
            emit(.latest(symbols.metric(name)), pops: 0)
            return .number
        }
        if scope.labels.contains(name) { return .string }
        if Self.functionNames.contains(name) {
            return fail(node, "'\(name)' is a function; call it with arguments, e.g. \(name)(...)")
        }
        let candidates = field == .where ? scope.labels : scope.metrics.union(scope.labels)
        return fail(node, "unknown name '\(name)': not a metric or label of \(scope.selection)",
                    suggestion: Suggestion.nearest(to: name, in: candidates.sorted()))
    }

    private mutating func binary(
        _ op: Expression.BinaryOperator, _ lhs: Expression, _ rhs: Expression, node: Expression,
        symbols: inout SymbolTable
    ) -> ValueType? {
        let opsBefore = ops.count
        let depthBefore = depth
        let left = check(lhs, symbols: &symbols)
        // The event's value: the left side of the first numeric comparison in reading order.
        if op.isComparison, !valueChosen, left == .number {
            valueChosen = true
            valueOp = ops.count - 1
        }
        let right = check(rhs, symbols: &symbols)
        guard let left, let right else { return nil }

        if op == .and || op == .or {
            if left != .condition { return fail(lhs, "'\(op.rawValue)' needs conditions on both sides, found \(left.noun)") }
            if right != .condition { return fail(rhs, "'\(op.rawValue)' needs conditions on both sides, found \(right.noun)") }
            emit(Program.Op(op), pops: 2)
            return .condition
        }
        if op.isArithmetic {
            if left != .number { return fail(lhs, "'\(op.rawValue)' needs numbers, found \(left.noun)") }
            if right != .number { return fail(rhs, "'\(op.rawValue)' needs numbers, found \(right.noun)") }
            emit(Program.Op(op), pops: 2)
            return .number
        }
        // Comparisons.
        if left == .string || right == .string {
            guard left == right else {
                return fail(left == .string ? rhs : lhs, "cannot compare a string with \((left == .string ? right : left).noun)")
            }
            guard op == .equal || op == .notEqual else {
                return fail(node, "strings can only be compared with '==' or '!='")
            }
            // Label comparisons are fixed per device: computed once when the device is first seen.
            ops.removeSubrange(opsBefore...)
            depth = depthBefore
            labelTests.append(node)
            emit(.labelTest(labelTests.count - 1), pops: 0)
            return .condition
        }
        guard left == .number else { return fail(lhs, "cannot compare \(left.noun); use 'and', 'or' and 'not' to combine conditions") }
        guard right == .number else { return fail(rhs, "cannot compare with \(right.noun)") }
        emit(Program.Op(op), pops: 2)
        return .condition
    }

    private mutating func call(
        _ name: String, _ arguments: [Expression], node: Expression, nameEnd: Int, symbols: inout SymbolTable
    ) -> ValueType? {
        let nameNode = Expression(kind: .identifier(name), start: node.start, end: nameEnd)
        guard Self.functionNames.contains(name) else {
            return fail(nameNode, "unknown function '\(name)'", suggestion: Suggestion.nearest(to: name, in: Self.functionNames))
        }
        if field == .where {
            return fail(nameNode, "'where' filters on labels only; '\(name)' belongs in 'when'")
        }
        func arity(_ count: Int, _ signature: String) -> Bool {
            guard arguments.count == count else {
                errors.append(ExpressionError(
                    offset: node.start, length: node.length,
                    "'\(name)' takes \(count) argument\(count == 1 ? "" : "s") (\(signature)), found \(arguments.count)"))
                return false
            }
            return true
        }

        if name == "min" || name == "max", arguments.count == 2, case .identifier = arguments[0].kind,
           case .duration = arguments[1].kind {
            return windowed(name, arguments, symbols: &symbols)
        }
        switch name {
        case "avg", "sum", "count", "stddev", "delta", "rate":
            guard arity(2, "metric, window") else { return nil }
            return windowed(name, arguments, symbols: &symbols)
        case "min", "max":
            guard arity(2, "metric, window or number, number") else { return nil }
            return scalar(arguments, op: name == "min" ? .minimum : .maximum, symbols: &symbols)
        case "abs", "round":
            guard arity(1, "number") else { return nil }
            return scalar(arguments, op: name == "abs" ? .abs : .round, symbols: &symbols)
        case "clamp":
            guard arity(3, "number, low, high") else { return nil }
            return scalar(arguments, op: .clamp, symbols: &symbols)
        case "last", "age":
            guard arity(1, "metric"), let metric = metricArgument(arguments[0], function: name) else { return nil }
            let index = symbols.metric(metric)
            if name == "age" { usesTime = true }
            emit(name == "last" ? .latest(index) : .age(index), pops: 0)
            return .number
        default: // silent
            usesTime = true
            usesSilence = true
            if arguments.isEmpty {
                if let problem = scope.silentDefaultProblem {
                    return fail(node, "silent() needs a window: \(problem)")
                }
                emit(.silent(0), pops: 0)
                return .condition
            }
            guard arity(1, "window"), let window = windowArgument(arguments[0], function: name) else { return nil }
            emit(.silent(window), pops: 0)
            return .condition
        }
    }

    private mutating func windowed(_ name: String, _ arguments: [Expression], symbols: inout SymbolTable) -> ValueType? {
        let metric = metricArgument(arguments[0], function: name)
        let window = windowArgument(arguments[1], function: name)
        guard let metric, let window, let function = Self.windowedFunctions[name] else { return nil }
        emit(.window(symbols.window(metric: metric, duration: window, function: function), function), pops: 0)
        return .number
    }

    private mutating func scalar(_ arguments: [Expression], op: Program.Op, symbols: inout SymbolTable) -> ValueType? {
        var ok = true
        for argument in arguments {
            guard let type = check(argument, symbols: &symbols) else {
                ok = false
                continue
            }
            if type != .number {
                _ = fail(argument, "expected a number, found \(type.noun)")
                ok = false
            }
        }
        guard ok else { return nil }
        emit(op, pops: arguments.count)
        return .number
    }

    private mutating func metricArgument(_ argument: Expression, function: String) -> String? {
        guard case .identifier(let name) = argument.kind else {
            _ = fail(argument, "the first argument of '\(function)' must be a metric name")
            return nil
        }
        guard scope.metrics.contains(name) else {
            let message = scope.labels.contains(name)
                ? "'\(name)' is a label, not a metric; '\(function)' needs a metric"
                : "unknown metric '\(name)' for \(scope.selection)"
            _ = fail(argument, message, suggestion: Suggestion.nearest(to: name, in: scope.metrics.sorted()))
            return nil
        }
        metricsUsed.insert(name)
        return name
    }

    private mutating func windowArgument(_ argument: Expression, function: String) -> Int64? {
        guard case .duration(let ms) = argument.kind else {
            _ = fail(argument, "the window of '\(function)' must be a duration such as 5m")
            return nil
        }
        guard ms > 0 else {
            _ = fail(argument, "the window of '\(function)' must be longer than zero")
            return nil
        }
        return ms
    }
}
