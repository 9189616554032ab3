/// A device catalog that cannot be used, with every problem found across all files.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    /// Sorted by file, line and column; never empty.
    public var diagnostics: [CatalogDiagnostic]

    public init(diagnostics: [CatalogDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// One `file:line:column: message` line per diagnostic.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
