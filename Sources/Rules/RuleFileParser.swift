import Telemetry
import Yams

/// Reads one rule file's YAML node tree into checked rules, collecting every problem.
struct RuleFileParser {
    static let ruleKeys = [
        "alert", "devices", "where", "when", "for", "clear", "clear_for", "keep_firing_for", "flapping", "severity", "message",
        "labels", "annotations", "params",
    ]

    let source: SourceFile
    let schema: RuleSchema
    let attributes: DeviceAttributes
    var overrides = RuleOverrides()
    /// The parameters and settings of `overrides` some rule used, to report the others.
    private(set) var overridesUsed: Set<String> = []
    private(set) var diagnostics: [RuleDiagnostic] = []
    private(set) var rules: [Rule] = []
    /// The file's `maintenance:` windows.
    private(set) var windows: [MaintenanceWindow] = []

    init(source: SourceFile, schema: RuleSchema, attributes: DeviceAttributes = DeviceAttributes()) {
        self.source = source
        self.schema = schema
        self.attributes = attributes
    }

    mutating func parse(contents: String, symbols: inout SymbolTable, definedAt: inout [String: String]) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: contents)
        } catch {
            diagnostics.append(Self.yamlDiagnostic(error, source: source))
            return
        }
        guard let root, let mapping = root.mapping else {
            if let root {
                diagnostics.append(source.diagnostic(at: root, length: 1, "expected a mapping with a 'rules:' (or 'maintenance:') list"))
            }
            return
        }
        var rulesNode: Node?
        var maintenanceNode: Node?
        for (key, value) in mapping {
            switch key.string {
            case "rules": rulesNode = value
            case "maintenance": maintenanceNode = value
            default:
                diagnostics.append(source.diagnostic(at: key, "unknown top-level key '\(key.string ?? "?")'",
                                                     suggestion: Suggestion.nearest(to: key.string ?? "", in: ["rules", "maintenance"])))
            }
        }
        defer { diagnostics.sort { ($0.line, $0.column) < ($1.line, $1.column) } }
        if let maintenanceNode {
            var maintenance = MaintenanceFileParser(source: source)
            maintenance.parse(maintenanceNode, definedAt: &definedAt)
            windows = maintenance.windows
            diagnostics += maintenance.diagnostics
        }
        guard let rulesNode else {
            if maintenanceNode == nil {
                diagnostics.append(source.diagnostic(at: root, length: 1, "missing 'rules:' list"))
            }
            return
        }
        if case .scalar(let scalar) = rulesNode, scalar.isNull { return }
        guard let sequence = rulesNode.sequence else {
            diagnostics.append(source.diagnostic(at: rulesNode, "'rules' must be a list of rules"))
            return
        }
        for item in sequence {
            if let rule = parseRule(item, symbols: &symbols) {
                if let previous = definedAt[rule.name] {
                    diagnostics.append(source.diagnostic(
                        line: rule.line, column: nameColumn(item), length: rule.name.unicodeScalars.count,
                        "alert '\(rule.name)' is already defined at \(previous)"))
                } else {
                    definedAt[rule.name] = "\(source.name):\(rule.line)"
                    rules.append(rule)
                }
            }
        }
    }

    private func nameColumn(_ item: Node) -> Int {
        item.mapping?.first { $0.key.string == "alert" }?.value.mark?.column ?? item.mark?.column ?? 1
    }

    static func yamlDiagnostic(_ error: any Error, source: SourceFile) -> RuleDiagnostic {
        switch error {
        case YamlError.scanner(let context, let problem, let mark, _),
             YamlError.parser(let context, let problem, let mark, _),
             YamlError.composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text), \(problem)" } ?? problem
            return source.diagnostic(line: mark.line, column: mark.column, "invalid YAML: \(detail)")
        case YamlError.duplicatedKeysInMapping(let duplicates, let context):
            return source.diagnostic(line: context.mark.line, column: context.mark.column,
                                     "duplicate key '\(duplicates.joined(separator: "', '"))'")
        default:
            return source.diagnostic(line: 1, column: 1, "invalid YAML: \(error)")
        }
    }

    private mutating func stringValue(_ node: Node, key: String) -> String? {
        guard let scalar = node.scalar else {
            diagnostics.append(source.diagnostic(at: node, length: 1, "'\(key)' must be a single value, not a list or mapping"))
            return nil
        }
        return scalar.string
    }

    private mutating func stringMap(_ node: Node, key: String) -> [String: String]? {
        if case .scalar(let scalar) = node, scalar.isNull { return [:] }
        guard let mapping = node.mapping else {
            diagnostics.append(source.diagnostic(at: node, length: 1, "'\(key)' must be a mapping of names to values"))
            return nil
        }
        var result: [String: String] = [:]
        for (name, value) in mapping {
            guard let nameText = name.scalar?.string, let valueText = value.scalar?.string else {
                diagnostics.append(source.diagnostic(at: value, length: 1, "'\(key)' values must be plain strings"))
                continue
            }
            result[nameText] = valueText
        }
        return result
    }

    private func scope(for selector: DeviceSelector) -> RuleScope {
        let types: [RuleSchema.DeviceTypeSchema]
        let selection: String
        switch selector {
        case .type(let name):
            types = schema.types[name].map { [$0] } ?? []
            selection = "device type '\(name)'"
        case .glob:
            types = schema.typeNames.compactMap { schema.types[$0] }
            selection = "any device type"
        }
        let withInterval = types.filter { $0.interval != nil }
        let problem: String? = switch selector {
        case .type(let name) where withInterval.isEmpty: "device type '\(name)' declares no interval"
        case .glob where withInterval.isEmpty: "no device type declares an interval"
        default: nil
        }
        return RuleScope(
            metrics: Set(types.flatMap(\.metrics)), labels: Set(types.flatMap(\.labels)),
            selection: selection, silentDefaultProblem: problem)
    }

    private mutating func report(_ errors: [ExpressionError], in node: Node) {
        for error in errors {
            diagnostics.append(source.diagnostic(in: node, offset: error.offset, length: error.length, error.message,
                                                 suggestion: error.suggestion))
        }
    }

    private mutating func parseExpression(_ node: Node, key: String) -> Expression? {
        guard let text = stringValue(node, key: key) else { return nil }
        do throws(ExpressionError) {
            return try Parser.parse(text)
        } catch {
            report([error], in: node)
            return nil
        }
    }

    // swiftlint:disable:next function_body_length cyclomatic_complexity
    private mutating func parseRule(_ item: Node, symbols: inout SymbolTable) -> Rule? {
        guard let mapping = item.mapping else {
            diagnostics.append(source.diagnostic(at: item, length: 1, "each rule must be a mapping starting with 'alert:'"))
            return nil
        }
        let before = diagnostics.count
        let nodes = source.fields(of: mapping, allowed: Self.ruleKeys, diagnostics: &diagnostics)
        let line = item.mark?.line ?? 1

        var name = ""
        if let node = nodes["alert"]?.value, let text = stringValue(node, key: "alert") {
            name = text
            if let bad = text.unicodeScalars.firstIndex(where: { !Self.isNameScalar($0) }) ?? (text.isEmpty ? text.unicodeScalars.startIndex : nil) {
                let offset = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: bad)
                diagnostics.append(source.diagnostic(
                    in: node, offset: offset, length: 1,
                    text.isEmpty ? "alert name is empty" : "alert names may only use letters, digits, '_', '-' and '.'"))
            }
        } else if nodes["alert"] == nil {
            diagnostics.append(source.diagnostic(at: item, length: 1, "rule is missing 'alert:' (its name)"))
        }

        var selector = DeviceSelector.glob("*")
        var scopeType: String?
        if let node = nodes["devices"]?.value, let text = stringValue(node, key: "devices") {
            if DeviceSelector.isGlob(text) {
                selector = .glob(text)
            } else if schema.types[text] != nil {
                selector = .type(text)
            } else if let type = schema.knownDevices[text] {
                selector = .glob(text)
                scopeType = type
            } else {
                diagnostics.append(source.diagnostic(
                    in: node, offset: 0, length: text.unicodeScalars.count,
                    "unknown device type '\(text)'; use a glob such as '\(text)*' to select device ids",
                    suggestion: Suggestion.nearest(to: text, in: schema.typeNames)))
            }
        }
        var scope = scope(for: scopeType.map { DeviceSelector.type($0) } ?? selector)
        scope.attributes = attributes.names
        scope.coveredAttributes = scope.attributes.filter { attributes.covers($0, selector: selector) }
        scope.attributesFile = attributes.file
        var parameters: [String: Double] = [:]
        if let node = nodes["params"]?.value {
            if let mapping = node.mapping {
                for (key, value) in mapping {
                    guard let parameter = key.string, Lexer.isIdentifier(parameter) else {
                        diagnostics.append(source.diagnostic(at: key, "parameter names are letters, digits and '_'"))
                        continue
                    }
                    guard let text = value.scalar?.string, let number = Double(text), number.isFinite else {
                        diagnostics.append(source.diagnostic(at: value, "parameter '\(parameter)' must be a number (its default)"))
                        continue
                    }
                    parameters[parameter] = number
                }
            } else {
                diagnostics.append(source.diagnostic(at: node, length: 1, "'params' maps parameter names to their defaults, e.g. {threshold: 30}"))
            }
        }
        for (parameter, _) in parameters {
            if let text = overrides.value(parameter, alert: name), let number = Double(text), number.isFinite {
                parameters[parameter] = number
                overridesUsed.insert(parameter)
                overridesUsed.insert("\(name).\(parameter)")
            }
        }
        scope.parameters = parameters

        var filter: Expression?
        if let node = nodes["where"]?.value, let expression = parseExpression(node, key: "where") {
            var checker = Checker(scope: scope, field: .where)
            var scratch = SymbolTable()
            _ = checker.compileCondition(expression, symbols: &scratch)
            report(checker.errors, in: node)
            filter = expression
        }

        var whenProgram: Program?
        var clearProgram: Program?
        var labelTests: [Expression] = []
        var dependsOnTime = false
        var usesSilence = false
        var requiredMetrics: Set<String> = []
        var whenText = "", clearText = ""
        var whenExpression: Expression?, clearExpression: Expression?
        if let node = nodes["when"]?.value {
            if let expression = parseExpression(node, key: "when") {
                var checker = Checker(scope: scope, field: .when)
                whenProgram = checker.compileCondition(expression, symbols: &symbols)
                report(checker.errors, in: node)
                labelTests = checker.labelTests
                dependsOnTime = checker.usesTime
                usesSilence = checker.usesSilence
                requiredMetrics = checker.metricsUsed
                whenText = expression.description
                whenExpression = expression
            }
        } else {
            diagnostics.append(source.diagnostic(at: nodes["alert"]?.key ?? item, length: 1, "rule '\(name)' is missing 'when:' (its condition)"))
        }
        if let node = nodes["clear"]?.value, let expression = parseExpression(node, key: "clear") {
            var checker = Checker(scope: scope, field: .clear, labelTests: labelTests)
            clearProgram = checker.compileCondition(expression, symbols: &symbols)
            report(checker.errors, in: node)
            labelTests = checker.labelTests
            dependsOnTime = dependsOnTime || checker.usesTime
            requiredMetrics.formUnion(checker.metricsUsed)
            clearText = expression.description
            clearExpression = expression
        }
        if labelTests.count > 64, let node = nodes["when"]?.value {
            diagnostics.append(source.diagnostic(at: node, length: 1, "a rule may compare labels at most 64 times"))
        }

        var holdFor: Int64 = 0
        if let text = overrides.value("for", alert: name), let ms = RuleDuration.milliseconds(text), ms >= 0 {
            holdFor = ms
            overridesUsed.formUnion(["for", "\(name).for"])
        } else if let node = nodes["for"]?.value, let text = stringValue(node, key: "for") {
            if let ms = RuleDuration.milliseconds(text), ms >= 0 {
                holdFor = ms
            } else {
                diagnostics.append(source.diagnostic(in: node, offset: 0, length: text.unicodeScalars.count,
                                                     "'for' must be a duration such as 30s, 5m or 1h"))
            }
        }
        func duration(_ key: String) -> Int64 {
            if let text = overrides.value(key, alert: name), let ms = RuleDuration.milliseconds(text), ms >= 0 {
                overridesUsed.formUnion([key, "\(name).\(key)"])
                return ms
            }
            guard let node = nodes[key]?.value, let text = stringValue(node, key: key) else { return 0 }
            guard let ms = RuleDuration.milliseconds(text), ms >= 0 else {
                diagnostics.append(source.diagnostic(in: node, offset: 0, length: text.unicodeScalars.count,
                                                     "'\(key)' must be a duration such as 30s, 5m or 1h"))
                return 0
            }
            return ms
        }
        let clearFor = duration("clear_for")
        let keepFiringFor = duration("keep_firing_for")
        let flapping = nodes["flapping"].flatMap { parseFlapping($0.value) }
        var severity = Severity.warning
        if let node = nodes["severity"]?.value, let text = stringValue(node, key: "severity") {
            if let value = Severity(rawValue: text) {
                severity = value
            } else {
                diagnostics.append(source.diagnostic(
                    in: node, offset: 0, length: text.unicodeScalars.count,
                    "unknown severity '\(text)' (use info, warning or critical)",
                    suggestion: Suggestion.nearest(to: text, in: Severity.allCases.map(\.rawValue))))
            }
        }
        var message = MessageTemplate(parts: [], source: "")
        let messageNode = nodes["message"]?.value
        if let text = messageNode.flatMap({ stringValue($0, key: "message") }) ?? (messageNode == nil ? MessageTemplate.defaultSource : nil) {
            let (template, errors) = MessageTemplate.parse(text, scope: scope, symbols: &symbols)
            message = template
            if let messageNode { report(errors, in: messageNode) }
        }
        let labels = nodes["labels"].flatMap { stringMap($0.value, key: "labels") } ?? [:]
        let annotations = nodes["annotations"].flatMap { stringMap($0.value, key: "annotations") } ?? [:]

        guard diagnostics.count == before, let whenProgram else { return nil }

        var metrics: Set<Int> = []
        var windows: Set<Int> = []
        for op in whenProgram.ops + (clearProgram?.ops ?? []) {
            switch op {
            case .latest(let index), .age(let index): metrics.insert(index)
            case .window(let index, _):
                windows.insert(index)
                metrics.insert(symbols.windows[index].metric)
            default: break
            }
        }
        let canonical = [
            "alert: \(name)", "devices: \(selector)", "where: \(filter?.description ?? "")", "when: \(whenText)",
            "for: \(holdFor)", "clear: \(clearText)", "clear_for: \(clearFor)", "keep_firing_for: \(keepFiringFor)",
            "flapping: \(flapping.map { "\($0.window)/\($0.high)/\($0.low)" } ?? "")",
            "params: \(scope.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))", "severity: \(severity.rawValue)", "message: \(message.source)",
            "labels: \(labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))",
            "annotations: \(annotations.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))",
        ].joined(separator: "\n")
        return Rule(
            name: name, devices: selector, severity: severity, holdFor: holdFor, clearFor: clearFor,
            keepFiringFor: keepFiringFor, flapping: flapping, labels: labels,
            annotations: annotations, file: source.name, line: line, canonicalText: canonical,
            when: whenProgram, clear: clearProgram, filter: filter, labelTests: labelTests, message: message,
            dependsOnTime: dependsOnTime, valueIsSilence: whenProgram.valueOp == nil && usesSilence,
            metrics: metrics.sorted(), windows: windows.sorted(), requiredMetrics: requiredMetrics,
            whenExpression: whenExpression, clearExpression: clearExpression)
    }

    /// `flapping: {window: 1h, high: 6, low: 2}`.
    private mutating func parseFlapping(_ node: Node) -> FlapDetection? {
        let example = "flapping takes {window: 1h, high: 6, low: 2}: flapping after more than 6 changes in 1h, settled at 2 or fewer"
        guard let mapping = node.mapping else {
            diagnostics.append(source.diagnostic(at: node, length: 1, example))
            return nil
        }
        let keys = ["window", "high", "low"]
        var values: [String: (node: Node, text: String)] = [:]
        let fields = source.fields(of: mapping, allowed: keys, context: "flapping", diagnostics: &diagnostics)
        for (name, field) in fields {
            guard let text = stringValue(field.value, key: name) else { continue }
            values[name] = (field.value, text)
        }
        for key in keys where fields[key] == nil {
            diagnostics.append(source.diagnostic(at: node, length: 1, "flapping is missing '\(key)': \(example)"))
        }
        var window: Int64?
        if let (valueNode, text) = values["window"] {
            if let ms = RuleDuration.milliseconds(text), ms > 0 {
                window = ms
            } else {
                diagnostics.append(source.diagnostic(at: valueNode, "'window' must be a duration above zero such as 30m or 1h"))
            }
        }
        var high: Int?
        if let (valueNode, text) = values["high"] {
            if let count = Int(text), count >= 1, count <= FlapDetection.maximumHigh {
                high = count
            } else {
                diagnostics.append(source.diagnostic(at: valueNode, "'high' must be a whole number of state changes from 1 to \(FlapDetection.maximumHigh)"))
            }
        }
        var low: Int?
        if let (valueNode, text) = values["low"] {
            if let count = Int(text), count >= 0, count < (high ?? .max) {
                low = count
            } else {
                diagnostics.append(source.diagnostic(at: valueNode, "'low' must be a whole number from 0 to below 'high'"))
            }
        }
        guard let window, let high, let low else { return nil }
        return FlapDetection(window: window, high: high, low: low)
    }

    static func isNameScalar(_ s: Unicode.Scalar) -> Bool {
        (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "_" || s == "-" || s == "."
    }
}
