import Foundation
import Telemetry
import Yams

/// Raw setting values layered by precedence: command-line flags, then `TELEMETRY_BRIDGE_*`
/// environment variables, then the configuration file (`bridge.yaml`), then defaults.
///
/// Values stay strings until a setting asks for them, so that a bad value is reported with the
/// source it came from (`--batch-size`, `TELEMETRY_BRIDGE_BATCH_SIZE`, `bridge.yaml:4:13`).
public struct ConfigurationValues: Sendable {
    /// The environment variable prefix every setting can be given with.
    public static let environmentPrefix = "TELEMETRY_BRIDGE_"

    private var flags: [String: String]
    private var environment: [String: String]
    private var file: ConfigurationFile

    /// - Parameters:
    ///   - flags: setting name (kebab case, as the flag) to value, for flags given on the command line.
    ///   - environment: the process environment.
    ///   - file: parsed configuration file values with their positions.
    public init(
        flags: [String: String] = [:],
        environment: [String: String] = [:],
        file: ConfigurationFile = [:]
    ) {
        self.flags = flags
        self.environment = environment
        self.file = file
    }

    /// The environment variable that sets `setting`: `batch-size` → `TELEMETRY_BRIDGE_BATCH_SIZE`.
    public static func environmentName(for setting: String) -> String {
        environmentPrefix + setting.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The highest-precedence value of `setting`, if any source gives one.
    public func value(_ setting: String) -> (value: String, source: ConfigurationSource)? {
        if let value = flags[setting] { return (value, .flag(setting)) }
        let envName = Self.environmentName(for: setting)
        if let value = environment[envName] { return (value, .environment(envName)) }
        return file.scalars[setting]
    }

    /// The items of a list setting from the highest-precedence source that gives any: a flag
    /// repeated (its values joined by newlines), a comma-separated environment variable, or the
    /// file's list (under `fileKey`, when it is named otherwise). Flag and variable items are bare URLs.
    public func items(_ setting: String, fileKey: String? = nil) -> [ConfigurationItem] {
        if let value = flags[setting] {
            return Self.bareItems(value, separator: "\n", source: .flag(setting))
        }
        let envName = Self.environmentName(for: setting)
        if let value = environment[envName] {
            return Self.bareItems(value, separator: ",", source: .environment(envName))
        }
        return file.lists[fileKey ?? setting] ?? []
    }

    private static func bareItems(_ text: String, separator: Character, source: ConfigurationSource) -> [ConfigurationItem] {
        text.split(separator: separator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map {
            ConfigurationItem(source: source, fields: ["url": ($0, source)])
        }
    }

    /// Reads a configuration file: a YAML mapping of setting names to scalars, and for the
    /// `listSettings` a value or a list of values or mappings (see ``ConfigurationItem``).
    /// Unknown keys are errors (a typo must not silently fall back to a default).
    public static func loadFile(path: String, knownSettings: Set<String>, listSettings: Set<String> = [])
        throws(ConfigurationError) -> ConfigurationFile
    {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: path, reason: "cannot read the configuration file (\(error.localizedDescription))")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw .unreadableFile(path: path, reason: Self.describe(error))
        } catch {
            throw .unreadableFile(path: path, reason: "\(error)")
        }
        guard let node else { return [:] }
        guard let mapping = node.mapping else {
            throw .unreadableFile(path: path, reason: "expected a mapping of setting names to values")
        }
        var values = ConfigurationFile(scalars: [:], lists: [:])
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            let keySource = Self.source(path: path, node: keyNode)
            guard knownSettings.contains(key) || listSettings.contains(key) else {
                throw .unknownKey(key: key, source: keySource,
                                  suggestion: Suggestion.nearest(to: key, in: knownSettings.union(listSettings)))
            }
            let valueSource = Self.source(path: path, node: valueNode)
            if listSettings.contains(key) {
                values.lists[key] = try items(of: valueNode, setting: key, path: path)
                continue
            }
            guard let scalar = valueNode.scalar else {
                throw .invalidValue(setting: key, value: "\(valueNode)", source: valueSource, expected: "a single value")
            }
            values.scalars[key] = (scalar.string, valueSource)
        }
        return values
    }

    private static func items(of node: Node, setting: String, path: String) throws(ConfigurationError) -> [ConfigurationItem] {
        let elements: [Node] = node.sequence.map(Array.init) ?? [node]
        var items: [ConfigurationItem] = []
        for element in elements {
            let elementSource = source(path: path, node: element)
            if let scalar = element.scalar {
                items.append(ConfigurationItem(source: elementSource, fields: ["url": (scalar.string, elementSource)]))
                continue
            }
            guard let fields = element.mapping else {
                throw .invalidValue(setting: setting, value: "\(element)", source: elementSource,
                                    expected: "a URL, or a mapping with url (and name, secret-file, headers)")
            }
            var item = ConfigurationItem(source: elementSource, fields: [:])
            for (fieldNode, fieldValue) in fields {
                let field = fieldNode.string ?? ""
                let fieldSource = source(path: path, node: fieldNode)
                guard ConfigurationItem.fieldNames.contains(field) else {
                    throw .unknownKey(key: "\(setting).\(field)", source: fieldSource,
                                      suggestion: Suggestion.nearest(to: field, in: ConfigurationItem.fieldNames).map { "\(setting).\($0)" })
                }
                let valueSource = source(path: path, node: fieldValue)
                if field == "headers" {
                    guard let headers = fieldValue.mapping else {
                        throw .invalidValue(setting: "\(setting).headers", value: "\(fieldValue)", source: valueSource,
                                            expected: "a mapping of header names to values")
                    }
                    for (nameNode, headerValue) in headers {
                        guard let name = nameNode.string, let value = headerValue.scalar?.string else {
                            throw .invalidValue(setting: "\(setting).headers", value: "\(headerValue)",
                                                source: source(path: path, node: headerValue), expected: "a header value")
                        }
                        item.headers.append((name, value, source(path: path, node: nameNode)))
                    }
                    continue
                }
                guard let scalar = fieldValue.scalar else {
                    throw .invalidValue(setting: "\(setting).\(field)", value: "\(fieldValue)", source: valueSource, expected: "a single value")
                }
                item.fields[field] = (scalar.string, valueSource)
            }
            items.append(item)
        }
        return items
    }

    private static func source(path: String, node: Node) -> ConfigurationSource {
        .file(path: path, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            "\(mark.line):\(mark.column): \(problem)" + (context.map { " \($0.text)" } ?? "")
        default:
            "\(error)"
        }
    }
}
