/// A parsed rule expression: a tree of nodes, each with its scalar range in the source text so
/// checker errors point at the offending token.
struct Expression: Hashable, Sendable, CustomStringConvertible {
    enum UnaryOperator: String, Hashable, Sendable { case negate = "-", not = "not" }

    enum BinaryOperator: String, Hashable, Sendable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="
        case and, or

        var isComparison: Bool {
            switch self {
            case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual: true
            default: false
            }
        }

        var isArithmetic: Bool {
            switch self {
            case .add, .subtract, .multiply, .divide, .remainder: true
            default: false
            }
        }
    }

    indirect enum Kind: Hashable, Sendable {
        case number(Double)
        case duration(Int64)
        case string(String)
        case bool(Bool)
        case identifier(String)
        case unary(UnaryOperator, Expression)
        case binary(BinaryOperator, Expression, Expression)
        /// `nameEnd` ends the function name's range (which starts at the node's `start`).
        case call(String, [Expression], nameEnd: Int)
    }

    var kind: Kind
    var start: Int
    var end: Int
    /// Levels of the tree below and including this node: what every recursive walk of it
    /// (checker, canonical text, deallocation) puts on the stack. ``Parser`` bounds it.
    private(set) var height: Int

    init(kind: Kind, start: Int, end: Int) {
        self.kind = kind
        self.start = start
        self.end = end
        height = switch kind {
        case .unary(_, let operand): operand.height + 1
        case .binary(_, let lhs, let rhs): max(lhs.height, rhs.height) + 1
        case .call(_, let arguments, _): (arguments.map(\.height).max() ?? 0) + 1
        default: 1
        }
    }

    var length: Int { max(1, end - start) }

    /// Canonical text: fully parenthesised, normalised spacing; equal for equivalent spellings.
    var description: String {
        switch kind {
        case .number(let value):
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .duration(let ms): RuleDuration.format(ms)
        case .string(let text): "\"" + text.replacingBackslashesAndQuotes + "\""
        case .bool(let value): value ? "true" : "false"
        case .identifier(let name): name
        case .unary(let op, let operand): op == .not ? "(not \(operand))" : "(-\(operand))"
        case .binary(let op, let lhs, let rhs): "(\(lhs) \(op.rawValue) \(rhs))"
        case .call(let name, let arguments, _): "\(name)(\(arguments.map(\.description).joined(separator: ", ")))"
        }
    }

    /// Nodes in pre-order (a node before its children, left to right).
    func forEachNode(_ body: (Expression) -> Void) {
        body(self)
        switch kind {
        case .unary(_, let operand): operand.forEachNode(body)
        case .binary(_, let lhs, let rhs):
            lhs.forEachNode(body)
            rhs.forEachNode(body)
        case .call(_, let arguments, _): for argument in arguments { argument.forEachNode(body) }
        default: break
        }
    }
}

extension String {
    var replacingBackslashesAndQuotes: String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
