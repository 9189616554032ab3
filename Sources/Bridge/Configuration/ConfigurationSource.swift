/// Where a setting's value came from, so that an error can say exactly what to fix.
public enum ConfigurationSource: Sendable, Hashable, CustomStringConvertible {
    case flag(String)
    case environment(String)
    case file(path: String, line: Int, column: Int)
    case defaultValue

    public var description: String {
        switch self {
        case .flag(let name): "--\(name)"
        case .environment(let name): "environment variable \(name)"
        case .file(let path, let line, let column): "\(path):\(line):\(column)"
        case .defaultValue: "default"
        }
    }
}
