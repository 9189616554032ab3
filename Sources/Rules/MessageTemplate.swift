import Telemetry
/// An alert message with `{{placeholders}}`, parsed once when rules load.
///
/// Placeholders: `{{device}}`, `{{value}}`, `{{alert}}`, `{{severity}}`, a label of the device
/// (`{{site}}`), or a metric name (its latest value). Unknown names are load errors.
struct MessageTemplate: Hashable, Sendable {
    enum Part: Hashable, Sendable {
        case text(String)
        case device, value, alert, severity
        case label(String)
        /// `RuleSet` metric index.
        case metric(Int)
    }

    var parts: [Part]
    var source: String

    static let defaultSource = "{{alert}} on {{device}}: {{value}}"

    /// Parses `source`; placeholder problems are returned with scalar offsets into `source`.
    static func parse(
        _ source: String, scope: RuleScope, symbols: inout SymbolTable
    ) -> (MessageTemplate, [ExpressionError]) {
        let scalars = Array(source.unicodeScalars)
        var parts: [Part] = []
        var errors: [ExpressionError] = []
        var text = ""
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "{", index + 1 < scalars.count, scalars[index + 1] == "{" else {
                text.unicodeScalars.append(scalars[index])
                index += 1
                continue
            }
            var close = index + 2
            while close + 1 < scalars.count, !(scalars[close] == "}" && scalars[close + 1] == "}") { close += 1 }
            guard close + 1 < scalars.count else {
                errors.append(ExpressionError(offset: index, length: 2, "unclosed '{{' in message"))
                break
            }
            var nameStart = index + 2, nameEnd = close
            while nameStart < nameEnd, scalars[nameStart] == " " { nameStart += 1 }
            while nameEnd > nameStart, scalars[nameEnd - 1] == " " { nameEnd -= 1 }
            var name = ""
            name.unicodeScalars.append(contentsOf: scalars[nameStart..<nameEnd])
            if !text.isEmpty {
                parts.append(.text(text))
                text = ""
            }
            switch name {
            case "device": parts.append(.device)
            case "value": parts.append(.value)
            case "alert": parts.append(.alert)
            case "severity": parts.append(.severity)
            default:
                if scope.labels.contains(name) {
                    parts.append(.label(name))
                } else if scope.metrics.contains(name) {
                    parts.append(.metric(symbols.metric(name)))
                } else {
                    let known = ["device", "value", "alert", "severity"] + scope.labels.sorted() + scope.metrics.sorted()
                    errors.append(ExpressionError(
                        offset: nameStart, length: max(1, nameEnd - nameStart),
                        name.isEmpty ? "empty placeholder in message" : "unknown placeholder '\(name)' in message",
                        suggestion: name.isEmpty ? nil : Suggestion.nearest(to: name, in: known)))
                }
            }
            index = close + 2
        }
        if !text.isEmpty { parts.append(.text(text)) }
        return (MessageTemplate(parts: parts, source: source), errors)
    }
}
