import Yams

/// Reads one `Devices/*.yaml` file into a device type, collecting every problem with the
/// position of the YAML node it concerns instead of stopping at the first.
struct CatalogFileParser {
    static let typeKeys = ["type", "description", "version", "topic", "format", "timestamp", "sequence", "interval", "metrics",
                           "allowed_devices"]
    static let metricKeys = ["path", "unit", "min", "max", "optional", "map"]

    let file: String
    private(set) var diagnostics: [CatalogDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    /// The parsed type and where its parts are, or nil when the file is too broken to build one.
    mutating func parse(_ contents: String) -> (type: DeviceType, source: DeviceTypeSource)? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: contents)
        } catch let error as YamlError {
            reportSyntax(error, in: contents)
            return nil
        } catch {
            report(line: 1, column: 1, "cannot parse YAML: \(error)")
            return nil
        }
        guard let root else {
            report(line: 1, column: 1, "the file is empty; expected a device type with 'type', 'topic' and 'metrics'")
            return nil
        }
        guard case .mapping(let mapping) = root else {
            report(root, "expected a mapping of device type keys ('type', 'topic', 'metrics', ...), found \(kind(of: root))")
            return nil
        }

        var source = DeviceTypeSource(file: file, positions: [.root: position(of: root)])
        var seen: Set<String> = []
        var name: String?
        var description = ""
        var version = 1
        var topic: TopicTemplate?
        var format = PayloadFormat.json
        var timestampPath: String?
        var sequencePath: String?
        var interval: Int64?
        var metrics: [MetricDefinition] = []
        var allowedDevices: [GlobPattern] = []

        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                report(keyNode, "keys must be plain strings, found \(kind(of: keyNode))")
                continue
            }
            seen.insert(key)
            let anchor: DeviceTypeSource.Anchor?
            switch key {
            case "type":
                anchor = .type
                name = nonEmptyString(value, key: key)
            case "description":
                anchor = nil
                description = string(value, key: key) ?? ""
            case "version":
                anchor = nil
                if let number = integer(value, key: key) {
                    if number >= 1 { version = number } else { report(value, "'version' must be 1 or more, found \(number)") }
                }
            case "topic":
                anchor = .topic
                if let text = nonEmptyString(value, key: key) {
                    do throws(TopicTemplateError) {
                        topic = try TopicTemplate(text)
                    } catch {
                        for problem in error.problems { report(value, "topic template '\(text)': \(problem)") }
                    }
                }
            case "format":
                anchor = .format
                if let text = string(value, key: key) {
                    if let parsed = PayloadFormat(rawValue: text) {
                        format = parsed
                    } else {
                        let names = PayloadFormat.allCases.map(\.rawValue)
                        let hint = Suggestion.nearest(to: text, in: names).map { "; did you mean '\($0)'?" } ?? ""
                        report(value, "unknown format '\(text)'; expected one of: \(names.joined(separator: ", "))\(hint)")
                    }
                }
            case "timestamp":
                anchor = .timestamp
                timestampPath = nonEmptyString(value, key: key)
            case "sequence":
                anchor = .sequence
                sequencePath = nonEmptyString(value, key: key)
            case "interval":
                anchor = .interval
                if let text = string(value, key: key) {
                    if let milliseconds = DurationParser.milliseconds(text), milliseconds > 0 {
                        interval = milliseconds
                    } else {
                        report(value, "'interval' must be a positive duration like 30s, 5m or 1h, found '\(text)'")
                    }
                }
            case "metrics":
                anchor = nil
                metrics = parseMetrics(value, source: &source)
            case "allowed_devices":
                anchor = nil
                allowedDevices = parseAllowedDevices(value)
            default:
                anchor = nil
                report(keyNode, Suggestion.unknownKeyMessage(key, allowed: Self.typeKeys, context: "device type"))
            }
            if let anchor { source.positions[anchor] = position(of: value) }
        }

        for required in ["type", "topic", "metrics"] where !seen.contains(required) {
            report(root, "missing required key '\(required)'")
        }
        guard let name, let topic else { return nil }
        let type = DeviceType(
            name: name, description: description, version: version, topic: topic, format: format,
            timestampPath: timestampPath, sequencePath: sequencePath, interval: interval, metrics: metrics,
            allowedDevices: allowedDevices
        )
        return (type, source)
    }

    /// `allowed_devices: [gh-*, "pump-1?"]`: a list of device id globs.
    private mutating func parseAllowedDevices(_ node: Node) -> [GlobPattern] {
        guard case .sequence(let items) = node, items.count > 0 else {
            report(node, "'allowed_devices' must be a list of device ids or globs such as gh-*, found \(kind(of: node))")
            return []
        }
        var patterns: [GlobPattern] = []
        for item in items {
            if let text = nonEmptyString(item, key: "allowed_devices") { patterns.append(GlobPattern(text)) }
        }
        return patterns
    }

    private mutating func parseMetrics(_ node: Node, source: inout DeviceTypeSource) -> [MetricDefinition] {
        guard case .mapping(let mapping) = node else {
            report(node, "'metrics' must be a mapping of metric names to their definitions, found \(kind(of: node))")
            return []
        }
        if mapping.count == 0 {
            report(node, "'metrics' must declare at least one metric")
        }
        var metrics: [MetricDefinition] = []
        for (keyNode, value) in mapping {
            guard let name = keyNode.scalar?.string else {
                report(keyNode, "metric names must be plain strings, found \(kind(of: keyNode))")
                continue
            }
            let index = metrics.count
            source.positions[.metric(index)] = position(of: keyNode)
            var metric = MetricDefinition(name: name)
            if case .scalar(let scalar) = value, isNull(scalar) {
                metrics.append(metric)
                continue
            }
            guard case .mapping(let fields) = value else {
                report(value, "metric '\(name)' must be a mapping like { path: temp, unit: \"°C\" }, found \(kind(of: value))")
                metrics.append(metric)
                continue
            }
            for (fieldNode, fieldValue) in fields {
                guard let field = fieldNode.scalar?.string else {
                    report(fieldNode, "keys must be plain strings, found \(kind(of: fieldNode))")
                    continue
                }
                switch field {
                case "path":
                    source.positions[.metricPath(index)] = position(of: fieldValue)
                    if let path = nonEmptyString(fieldValue, key: field) { metric.path = path }
                case "unit":
                    metric.unit = string(fieldValue, key: field)
                case "min":
                    source.positions[.metricMin(index)] = position(of: fieldValue)
                    metric.min = number(fieldValue, key: field)
                case "max":
                    source.positions[.metricMax(index)] = position(of: fieldValue)
                    metric.max = number(fieldValue, key: field)
                case "optional":
                    metric.optional = bool(fieldValue, key: field) ?? false
                case "map":
                    metric.valueMap = valueMap(fieldValue, metric: name)
                default:
                    report(fieldNode, Suggestion.unknownKeyMessage(field, allowed: Self.metricKeys, context: "metric '\(name)'"))
                }
            }
            metrics.append(metric)
        }
        return metrics
    }

    private mutating func valueMap(_ node: Node, metric: String) -> [String: Double] {
        guard case .mapping(let mapping) = node else {
            report(node, "'map' of metric '\(metric)' must be a mapping of strings to numbers like { ON: 1, OFF: 0 }, found \(kind(of: node))")
            return [:]
        }
        var result: [String: Double] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                report(keyNode, "'map' keys must be strings, found \(kind(of: keyNode))")
                continue
            }
            if let number = number(value, key: "map.\(key)") { result[key] = number }
        }
        return result
    }

    // MARK: Scalars

    private mutating func string(_ node: Node, key: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report(node, "'\(key)' must be a string, found \(kind(of: node))")
            return nil
        }
        return scalar.string
    }

    private mutating func nonEmptyString(_ node: Node, key: String) -> String? {
        guard let text = string(node, key: key) else { return nil }
        guard !text.isEmpty else {
            report(node, "'\(key)' must not be empty")
            return nil
        }
        return text
    }

    private mutating func number(_ node: Node, key: String) -> Double? {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any,
              let value = Double(scalar.string), value.isFinite
        else {
            report(node, "'\(key)' must be a number, found \(describe(node))")
            return nil
        }
        return value
    }

    private mutating func integer(_ node: Node, key: String) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any,
              let value = Int(scalar.string)
        else {
            report(node, "'\(key)' must be an integer, found \(describe(node))")
            return nil
        }
        return value
    }

    private mutating func bool(_ node: Node, key: String) -> Bool? {
        if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any {
            switch scalar.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        report(node, "'\(key)' must be true or false, found \(describe(node))")
        return nil
    }

    private func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private func kind(of node: Node) -> String {
        switch node {
        case .scalar(let scalar): "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    private func describe(_ node: Node) -> String {
        if case .scalar(let scalar) = node, scalar.style != .plain && scalar.style != .any {
            return "the quoted string '\(scalar.string)'"
        }
        return kind(of: node)
    }

    // MARK: Reporting

    private func position(of node: Node) -> DeviceTypeSource.Position {
        guard let mark = node.mark else { return .init(line: 1, column: 1) }
        return .init(line: mark.line, column: mark.column)
    }

    private mutating func report(_ node: Node, _ message: String) {
        let position = position(of: node)
        report(line: position.line, column: position.column, message)
    }

    private mutating func report(line: Int, column: Int, _ message: String) {
        diagnostics.append(CatalogDiagnostic(file: file, line: max(line, 1), column: max(column, 1), message: message))
    }

    private mutating func reportSyntax(_ error: YamlError, in contents: String) {
        func withContext(_ problem: String, _ context: YamlError.Context?) -> String {
            guard let context else { return "YAML syntax error: \(problem)" }
            return "YAML syntax error: \(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            report(line: mark.line, column: mark.column, withContext(problem, context))
        case .reader(let problem, let offset, _, _):
            let (line, column) = Self.lineAndColumn(of: offset ?? 0, in: contents)
            report(line: line, column: column, "cannot read the file: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            report(line: context.mark.line, column: context.mark.column, "duplicate key \(keys) in the same mapping")
        default:
            report(line: 1, column: 1, "cannot parse YAML: \(error)")
        }
    }

    /// 1-based line and column (in characters) of a character offset.
    static func lineAndColumn(of offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for (index, character) in text.enumerated() {
            if index == offset { break }
            if character == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }
}
