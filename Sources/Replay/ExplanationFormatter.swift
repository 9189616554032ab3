import Rules

/// `rules explain` as text: per rule its state, then `when` and `clear` as trees with every
/// sub-expression's value (windows with their bounds and number of readings), then its last
/// state changes with the reading that caused each.
public enum ExplanationFormatter {
    public static func lines(_ explanation: RuleExplanation, changes: [AlertEvent]) -> [String] {
        var state: String
        switch explanation.state {
        case .inactive:
            state = "inactive"
        case .pending:
            state = "pending since " + ReplayText.time(explanation.pendingSince ?? 0)
        case .firing:
            state = "firing since " + ReplayText.time(explanation.raised?.at ?? 0)
                + (explanation.pendingSince.map { " (pending since \(ReplayText.time($0)))" } ?? "")
        }
        if let countdown = explanation.countdown { state += ", \(countdown.kind) counting since \(ReplayText.time(countdown.since))" }
        if explanation.flapping { state += ", flapping" }
        var lines = ["\(explanation.alert)  \(explanation.file):\(explanation.line)  \(state)"]
        func tree(_ node: ExplainedExpression, depth: Int) {
            var line = String(repeating: "  ", count: depth) + node.text + " = " + node.value.description
            if let window = node.window {
                line += "  over (\(ReplayText.time(window.from)), \(ReplayText.time(window.to))], \(window.readings) reading"
                    + (window.readings == 1 ? "" : "s")
            }
            lines.append(line)
            for child in node.children where !child.isLiteral { tree(child, depth: depth + 1) }
        }
        lines.append("  when")
        tree(explanation.when, depth: 2)
        if let clear = explanation.clear {
            lines.append("  clear")
            tree(clear, depth: 2)
        }
        if !changes.isEmpty {
            lines.append("  last changes")
            for event in changes {
                switch event {
                case .raised(let raised):
                    lines.append("    \(ReplayText.time(raised.at))  raised   value \(ReplayText.value(raised.value))  caused by the reading at "
                                 + ReplayText.time(raised.cause.at) + (raised.cause.topic.map { " on \($0)" } ?? "")
                                 + (raised.at > raised.pendingSince ? ", held for \(ReplayText.shift(raised.at - raised.pendingSince).dropFirst())" : ""))
                case .cleared(let cleared):
                    lines.append("    \(ReplayText.time(cleared.at))  cleared  value \(ReplayText.value(cleared.value))  by the reading or timer at that time")
                }
            }
        }
        return lines
    }
}

extension ExplainedExpression {
    /// A number, string or boolean written in the rule: its value is its text.
    var isLiteral: Bool { children.isEmpty && window == nil && text == value.description }
}
