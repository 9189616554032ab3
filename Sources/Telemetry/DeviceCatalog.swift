import Foundation

/// Every device type the bridge knows, loaded from `Devices/*.yaml` (one type per file).
///
/// A catalog is valid as a whole: type names are unique and no two topic templates can match
/// the same topic, so a topic identifies at most one type.
public struct DeviceCatalog: Sendable {
    /// Types in file-name order.
    public let types: [DeviceType]
    private let indexByName: [String: Int]

    /// A catalog from types built in code; diagnostics name them as `<types>:INDEX:1`.
    public init(types: [DeviceType]) throws(CatalogError) {
        let sources = types.indices.map(DeviceTypeSource.programmatic(index:))
        var diagnostics: [CatalogDiagnostic] = []
        for (type, source) in zip(types, sources) {
            if type.metrics.isEmpty {
                diagnostics.append(source.diagnostic(.root, "device type '\(type.name)' needs at least one metric"))
            }
            diagnostics += DeviceTypeChecks.problems(in: type, source: source)
        }
        try self.init(types: types, sources: sources, diagnostics: diagnostics)
    }

    private init(types: [DeviceType], sources: [DeviceTypeSource], diagnostics: [CatalogDiagnostic]) throws(CatalogError) {
        let all = diagnostics + DeviceTypeChecks.crossProblems(in: types, sources: sources)
        guard all.isEmpty else {
            throw CatalogError(diagnostics: Self.sorted(all))
        }
        self.types = types
        var index: [String: Int] = [:]
        for (offset, type) in types.enumerated() { index[type.name] = offset }
        self.indexByName = index
    }

    /// The file of a catalog directory that holds device attributes (read with the rules), not a
    /// device type.
    public static let attributesFileName = "attributes.yaml"

    /// Loads every `*.yaml` / `*.yml` file of `directory` (hidden files and ``attributesFileName``
    /// skipped), in name order.
    public static func load(directory: String) throws(CatalogError) -> DeviceCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw CatalogError(diagnostics: [
                CatalogDiagnostic(file: directory, line: 1, column: 1, message: "cannot read directory \(directory)"),
            ])
        }
        let yamlNames = names.filter {
            ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") && $0 != attributesFileName
        }.sorted()
        guard !yamlNames.isEmpty else {
            throw CatalogError(diagnostics: [
                CatalogDiagnostic(file: directory, line: 1, column: 1, message: "no device types found in \(directory)"),
            ])
        }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        var files: [(path: String, contents: String)] = []
        var unreadable: [CatalogDiagnostic] = []
        for name in yamlNames {
            let path = prefix + name
            do throws(TextFile.Failure) {
                files.append((path, try TextFile.read(path)))
            } catch {
                unreadable.append(CatalogDiagnostic(file: path, line: error.line, column: error.column, message: error.reason))
            }
        }
        return try load(files: files, extraDiagnostics: unreadable)
    }

    /// Loads types from file contents already in memory (tests, `devices check` on stdin).
    public static func load(files: [(path: String, contents: String)]) throws(CatalogError) -> DeviceCatalog {
        try load(files: files, extraDiagnostics: [])
    }

    private static func load(
        files: [(path: String, contents: String)], extraDiagnostics: [CatalogDiagnostic]
    ) throws(CatalogError) -> DeviceCatalog {
        guard !files.isEmpty || !extraDiagnostics.isEmpty else {
            throw CatalogError(diagnostics: [
                CatalogDiagnostic(file: "<catalog>", line: 1, column: 1, message: "no device types found in <catalog>"),
            ])
        }
        var diagnostics = extraDiagnostics
        var types: [DeviceType] = []
        var sources: [DeviceTypeSource] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            var parser = CatalogFileParser(file: file.path)
            let parsed = parser.parse(file.contents)
            diagnostics += parser.diagnostics
            if let parsed {
                diagnostics += DeviceTypeChecks.problems(in: parsed.type, source: parsed.source)
                types.append(parsed.type)
                sources.append(parsed.source)
            }
        }
        return try DeviceCatalog(types: types, sources: sources, diagnostics: diagnostics)
    }

    public func type(named name: String) -> DeviceType? {
        indexByName[name].map { types[$0] }
    }

    /// The MQTT filters that receive every catalogued topic: `{x}` becomes `+`; deduplicated, sorted.
    public var subscriptions: [String] {
        Array(Set(types.map(\.topic.filter))).sorted()
    }

    /// The type whose template matches `topic`, and what the template read from it.
    public func match(topic: String) -> (type: DeviceType, match: TopicMatch)? {
        for type in types {
            if let match = type.topic.match(topic) { return (type, match) }
        }
        return nil
    }

    private static func sorted(_ diagnostics: [CatalogDiagnostic]) -> [CatalogDiagnostic] {
        diagnostics.enumerated().sorted { lhs, rhs in
            let (a, b) = (lhs.element, rhs.element)
            if a.file != b.file { return a.file < b.file }
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return a.column < b.column }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
