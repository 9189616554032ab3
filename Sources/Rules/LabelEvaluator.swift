/// Decides label-only expressions (`where`, and the label comparisons inside `when`) for one
/// device, once, when the engine first sees it. Nil means unknown (the device lacks the label).
enum LabelEvaluator {
    static func evaluate(_ node: Expression, labels: [String: String]) -> Bool? {
        switch node.kind {
        case .bool(let value):
            return value
        case .unary(.not, let operand):
            return evaluate(operand, labels: labels).map { !$0 }
        case .binary(.and, let lhs, let rhs):
            let l = evaluate(lhs, labels: labels), r = evaluate(rhs, labels: labels)
            if l == false || r == false { return false }
            return l == nil || r == nil ? nil : true
        case .binary(.or, let lhs, let rhs):
            let l = evaluate(lhs, labels: labels), r = evaluate(rhs, labels: labels)
            if l == true || r == true { return true }
            return l == nil || r == nil ? nil : false
        case .binary(let op, let lhs, let rhs) where op == .equal || op == .notEqual:
            guard let l = string(lhs, labels: labels), let r = string(rhs, labels: labels) else { return nil }
            return (l == r) == (op == .equal)
        default:
            return nil
        }
    }

    private static func string(_ node: Expression, labels: [String: String]) -> String? {
        switch node.kind {
        case .string(let text): text
        case .identifier(let name): labels[name]
        default: nil
        }
    }
}
