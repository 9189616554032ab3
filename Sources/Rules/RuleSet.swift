import Foundation
import Telemetry

/// Every rule of a `Rules/` directory, checked against the device schema and compiled.
///
/// Loading is all-or-nothing: any problem in any file makes `load` throw every diagnostic, so a
/// reload with a broken file keeps the previous rules in force.
public struct RuleSet: Sendable {
    public private(set) var rules: [Rule]
    /// The `maintenance:` windows of the files: raises in force of one are marked silenced.
    public internal(set) var maintenance: MaintenanceSchedule
    /// The device attributes rules read as `attr.<name>`.
    public internal(set) var attributes: DeviceAttributes = DeviceAttributes()
    public let schema: RuleSchema
    let symbols: SymbolTable

    /// Whether any rule's result can change with time alone (`silent()`, `age()`), as the checker
    /// found: such rules need a clock between readings (the daemon's tick, the replay's onsets).
    public var dependsOnTime: Bool { rules.contains { $0.dependsOnTime } }

    public static func empty(schema: RuleSchema) -> RuleSet {
        RuleSet(rules: [], maintenance: MaintenanceSchedule(), attributes: DeviceAttributes(), schema: schema, symbols: SymbolTable())
    }

    /// Loads `*.yaml` and `*.yml` files directly in `directory` (not `tests/`), in name order,
    /// with the device attributes of `attributesFile` when it exists (conventionally
    /// `Devices/attributes.yaml`; its problems are reported with the rules').
    public static func load(
        directory: String, schema: RuleSchema, attributesFile: String? = nil, overrides: RuleOverrides = RuleOverrides()
    ) throws(RuleError) -> RuleSet {
        let (files, unreadable) = try RuleFiles.read(directory: directory)
        var diagnostics = unreadable
        var attributes = DeviceAttributes()
        if let attributesFile, FileManager.default.fileExists(atPath: attributesFile) {
            do throws(TextFile.Failure) {
                let problems: [RuleDiagnostic]
                (attributes, problems) = DeviceAttributesParser.parse(file: attributesFile, contents: try TextFile.read(attributesFile))
                diagnostics += problems
            } catch {
                diagnostics.append(RuleDiagnostic(file: attributesFile, line: error.line, column: error.column, message: error.reason, sourceLine: ""))
            }
        }
        return try parse(files: files, schema: schema, attributes: attributes, overrides: overrides, diagnostics: diagnostics)
    }

    /// The conventional attributes file of a catalog directory.
    public static func attributesFile(devices directory: String) -> String {
        (directory as NSString).appendingPathComponent(DeviceCatalog.attributesFileName)
    }

    /// Parses rule files given as (name shown in diagnostics, contents); `diagnostics`: problems
    /// already found (files that could not be read), reported with the rest.
    public static func parse(
        files: [(name: String, contents: String)], schema: RuleSchema, attributes: DeviceAttributes = DeviceAttributes(),
        overrides: RuleOverrides = RuleOverrides(), diagnostics: [RuleDiagnostic] = []
    ) throws(RuleError) -> RuleSet {
        var symbols = SymbolTable()
        var definedAt: [String: String] = [:]
        var rules: [Rule] = []
        var windows: [MaintenanceWindow] = []
        var used: Set<String> = []
        var diagnostics = diagnostics
        for file in files {
            var parser = RuleFileParser(source: SourceFile(name: file.name, contents: file.contents), schema: schema, attributes: attributes)
            parser.overrides = overrides
            parser.parse(contents: file.contents, symbols: &symbols, definedAt: &definedAt)
            rules += parser.rules
            windows += parser.windows
            used.formUnion(parser.overridesUsed)
            diagnostics += parser.diagnostics
        }
        for name in overrides.values.keys.sorted() where !used.contains(name) {
            diagnostics.append(RuleDiagnostic(
                file: "--sweep", line: 1, column: 1,
                message: "no rule has a parameter or setting '\(name)' (parameters are declared in params:, settings are "
                    + RuleOverrides.settings.joined(separator: ", ") + "; 'Rule.name' names one rule's)", sourceLine: ""))
        }
        guard diagnostics.isEmpty else { throw .invalid(diagnostics) }
        return RuleSet(rules: rules, maintenance: MaintenanceSchedule(windows), attributes: attributes, schema: schema, symbols: symbols)
    }

    /// The `maintenance:` windows of one file that holds nothing else (replay's `--silences FILE`).
    public static func maintenance(file name: String, contents: String, schema: RuleSchema) throws(RuleError) -> MaintenanceSchedule {
        let set = try parse(files: [(name, contents)], schema: schema)
        guard set.rules.isEmpty else {
            let rule = set.rules[0]
            throw .invalid([RuleDiagnostic(file: name, line: rule.line, column: 1,
                                           message: "a silences file holds only a 'maintenance:' list, not rules", sourceLine: "")])
        }
        return set.maintenance
    }

    /// The same rules with `other`'s maintenance windows added (replay's `--silences FILE`).
    public func addingMaintenance(_ other: MaintenanceSchedule) -> RuleSet {
        var copy = self
        copy.maintenance = maintenance.adding(other)
        return copy
    }

    public func rule(named name: String) -> Rule? {
        rules.first { $0.name == name }
    }

    /// How much history (ms) rebuilds every rule's state: the longest window plus the longest
    /// `for` (or `clear_for` and `keep_firing_for` together, the countdowns of a firing alert).
    /// The daemon replays this much of the log on start.
    public var lookback: Int64 {
        (symbols.windows.map(\.duration).max() ?? 0)
            + (rules.map { max($0.holdFor, $0.clearFor + $0.keepFiringFor) }.max() ?? 0)
    }

    /// The metric names rules read, so the daemon may skip feeding others (it need not).
    public var metricNames: [String] { symbols.metrics }
}

/// Reading rule (and rule test) files from a directory.
enum RuleFiles {
    /// The readable files, and a diagnostic for each file that is not UTF-8 text or too large
    /// (callers report them with the other files' problems).
    static func read(directory: String) throws(RuleError) -> (files: [(name: String, contents: String)], unreadable: [RuleDiagnostic]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .unreadable(path: directory, reason: "\(error.localizedDescription)")
        }
        var files: [(name: String, contents: String)] = []
        var unreadable: [RuleDiagnostic] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = (directory as NSString).appendingPathComponent(name)
            do throws(TextFile.Failure) {
                files.append((path, try TextFile.read(path)))
            } catch {
                unreadable.append(RuleDiagnostic(file: path, line: error.line, column: error.column, message: error.reason, sourceLine: ""))
            }
        }
        return (files, unreadable)
    }
}
