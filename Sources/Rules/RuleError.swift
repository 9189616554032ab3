/// Why a rule set or a rule-test directory could not be loaded.
public enum RuleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Files were read, and these problems were found in them (all of them, in file order).
    case invalid([RuleDiagnostic])
    /// A file or directory could not be read.
    case unreadable(path: String, reason: String)

    public var diagnostics: [RuleDiagnostic] {
        if case .invalid(let diagnostics) = self { return diagnostics }
        return []
    }

    public var description: String {
        switch self {
        case .invalid(let diagnostics):
            diagnostics.map(\.description).joined(separator: "\n")
        case .unreadable(let path, let reason):
            "cannot read \(path): \(reason)"
        }
    }
}
