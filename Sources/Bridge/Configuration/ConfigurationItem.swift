/// One item of a list setting (`webhooks:`, `alertmanager:`, a repeated `--webhook`): a URL, or
/// in the configuration file a mapping of fields, each with the position it came from.
public struct ConfigurationItem: Sendable {
    /// Where the item is (the flag, the variable, or `bridge.yaml:LINE:COLUMN`).
    public var source: ConfigurationSource
    /// Scalar fields by name; a bare item has just `url`.
    public var fields: [String: (value: String, source: ConfigurationSource)]
    /// The `headers:` mapping, in file order.
    public var headers: [(name: String, value: String, source: ConfigurationSource)]

    public init(source: ConfigurationSource, fields: [String: (value: String, source: ConfigurationSource)],
                headers: [(name: String, value: String, source: ConfigurationSource)] = []) {
        self.source = source
        self.fields = fields
        self.headers = headers
    }

    /// The fields a list item may have.
    public static let fieldNames: Set<String> = ["url", "name", "secret-file", "headers"]
}

/// A parsed configuration file: scalar settings, and the items of list settings.
public struct ConfigurationFile: Sendable, ExpressibleByDictionaryLiteral {
    public var scalars: [String: (value: String, source: ConfigurationSource)]
    public var lists: [String: [ConfigurationItem]]

    public init(scalars: [String: (value: String, source: ConfigurationSource)] = [:], lists: [String: [ConfigurationItem]] = [:]) {
        self.scalars = scalars
        self.lists = lists
    }

    public init(dictionaryLiteral elements: (String, (value: String, source: ConfigurationSource))...) {
        self.init(scalars: Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
