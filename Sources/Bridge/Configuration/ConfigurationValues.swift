import Foundation
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
    private var file: [String: (value: String, source: ConfigurationSource)]

    /// - Parameters:
    ///   - flags: setting name (kebab case, as the flag) to value, for flags given on the command line.
    ///   - environment: the process environment.
    ///   - file: parsed configuration file values with their positions.
    public init(
        flags: [String: String] = [:],
        environment: [String: String] = [:],
        file: [String: (value: String, source: ConfigurationSource)] = [:]
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
        return file[setting]
    }

    /// Reads a configuration file: a YAML mapping of setting names to scalars.
    /// Unknown keys are errors (a typo must not silently fall back to a default).
    public static func loadFile(path: String, knownSettings: Set<String>) throws(ConfigurationError)
        -> [String: (value: String, source: ConfigurationSource)]
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
        var values: [String: (value: String, source: ConfigurationSource)] = [:]
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            let keySource = Self.source(path: path, node: keyNode)
            guard knownSettings.contains(key) else {
                throw .unknownKey(key: key, source: keySource, suggestion: Suggestion.nearest(to: key, in: knownSettings))
            }
            let valueSource = Self.source(path: path, node: valueNode)
            guard let scalar = valueNode.scalar else {
                throw .invalidValue(setting: key, value: "\(valueNode)", source: valueSource, expected: "a single value")
            }
            values[key] = (scalar.string, valueSource)
        }
        return values
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
