import Foundation
import Telemetry

/// Turns layered string values into typed settings, with errors that name the value's source.
struct SettingReader {
    let values: ConfigurationValues
    private var lastSource: [String: (String, ConfigurationSource)] = [:]

    init(values: ConfigurationValues) {
        self.values = values
    }

    mutating func string(_ name: String) throws(ConfigurationError) -> String? {
        guard let (value, source) = values.value(name) else { return nil }
        lastSource[name] = (value, source)
        guard !value.isEmpty else {
            throw .invalidValue(setting: name, value: value, source: source, expected: "a non-empty value")
        }
        return value
    }

    mutating func integer(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let text = try string(name) else { return nil }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), range.contains(value) else {
            throw invalid(name, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    mutating func bool(_ name: String) throws(ConfigurationError) -> Bool? {
        guard let text = try string(name) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw invalid(name, expected: "true or false")
        }
    }

    /// A duration such as `50ms`, `10s`, `5m`; a bare number is milliseconds.
    mutating func duration(_ name: String) throws(ConfigurationError) -> Int64? {
        guard let text = try string(name) else { return nil }
        if let plain = Int64(text), plain >= 0 { return plain }
        guard let milliseconds = DurationParser.milliseconds(text), milliseconds >= 0 else {
            throw invalid(name, expected: "a duration such as 50ms, 10s or 5m")
        }
        return milliseconds
    }

    /// A duration of at least `minimum` ms (timeouts, where 0 would mean "at once").
    mutating func duration(_ name: String, atLeast minimum: Int64) throws(ConfigurationError) -> Int64? {
        guard let value = try duration(name) else { return nil }
        guard value >= minimum else {
            throw invalid(name, expected: "a duration of at least \(DurationParser.format(milliseconds: minimum)), such as 30s")
        }
        return value
    }

    /// A retention period (`30d`, `52w`); `forever` or absent keeps everything.
    mutating func retention(_ name: String) throws(ConfigurationError) -> Int64? {
        guard let text = try string(name), text != "forever" else { return nil }
        guard let milliseconds = DurationParser.milliseconds(text), milliseconds > 0 else {
            throw invalid(name, expected: "a duration such as 30d or 52w, or forever")
        }
        return milliseconds
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws(ConfigurationError) -> T?
    where T.RawValue == String {
        guard let text = try string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            throw invalid(name, expected: "one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }

    /// An MQTT topic template for alerts: no wildcards, must name `{alert}` and `{device}`.
    mutating func topicTemplate(_ name: String) throws(ConfigurationError) -> String? {
        guard let text = try string(name) else { return nil }
        guard !text.contains("+"), !text.contains("#"), text.contains("{alert}"), text.contains("{device}") else {
            throw invalid(name, expected: "a topic without + or # that contains {alert} and {device}")
        }
        return text
    }

    mutating func existingFile(_ name: String) throws(ConfigurationError) -> String? {
        guard let path = try string(name) else { return nil }
        guard Self.isFile(path) else { throw invalid(name, expected: Self.existingFileExpectation) }
        return path
    }

    /// Whether `path` names a file (not a directory).
    static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    static let existingFileExpectation = "a path to an existing file"

    func invalid(_ name: String, expected: String) -> ConfigurationError {
        let (value, source) = lastSource[name] ?? values.value(name) ?? ("", .defaultValue)
        return .invalidValue(setting: name, value: value, source: source, expected: expected)
    }
}
