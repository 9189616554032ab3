/// A configuration problem, worded for the operator who has to fix it.
public enum ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A value that does not parse; `expected` says what would.
    case invalidValue(setting: String, value: String, source: ConfigurationSource, expected: String)
    /// The configuration file could not be read or is not a YAML mapping.
    case unreadableFile(path: String, reason: String)
    /// A key in the configuration file that is not a setting.
    case unknownKey(key: String, source: ConfigurationSource, suggestion: String?)

    public var description: String {
        switch self {
        case .invalidValue(let setting, let value, let source, let expected):
            switch source {
            case .file:
                "\(source): invalid value '\(value)' for '\(setting)': expected \(expected)"
            default:
                "invalid value '\(value)' for \(setting) (from \(source)): expected \(expected)"
            }
        case .unreadableFile(let path, let reason):
            "\(path): \(reason)"
        case .unknownKey(let key, let source, let suggestion):
            "\(source): unknown setting '\(key)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        }
    }
}
