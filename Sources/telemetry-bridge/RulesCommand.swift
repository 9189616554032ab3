import ArgumentParser
import Bridge
import Foundation
import Replay
import Rules
import Storage
import Telemetry

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Validate and test alert rules.",
        subcommands: [Check.self, Test.self, Explain.self, Incident.self]
    )

    /// Where the rules and the catalog are: arguments and flags, else `rules` and `devices` of
    /// the configuration (the directories `run` uses), else ./Rules and ./Devices.
    struct Location: ParsableArguments {
        @Argument(help: "Rule directory. Default: rules of the configuration, or ./Rules.")
        var rules: String?

        /// The catalog the rules are checked against.
        @OptionGroup var catalog: CatalogOptions

        @Option(help: "Configuration file (YAML). Default: ./bridge.yaml when it exists. Env: TELEMETRY_BRIDGE_CONFIG.")
        var config: String?

        func directories() throws -> (rules: String, devices: String) {
            let settings = try ConfigurationResolver.resolveLocal(config: config, flags: ["rules": rules, "devices": catalog.devices])
            return (settings.rules ?? "./Rules", settings.devices)
        }

        func load() throws -> (RuleSet, RuleSchema, directory: String) {
            let (directory, devices) = try directories()
            let catalog: DeviceCatalog
            do {
                catalog = try DeviceCatalog.load(directory: devices)
            } catch {
                for diagnostic in error.diagnostics { printError(diagnostic.description) }
                throw ExitCode(2)
            }
            let schema = RuleSchema(catalog: catalog)
            do {
                return (try RuleSet.load(directory: directory, schema: schema, attributesFile: RuleSet.attributesFile(devices: devices)),
                        schema, directory)
            } catch {
                for diagnostic in error.diagnostics { printError(diagnostic.description) }
                printError("\(error.diagnostics.count) error(s) in \(directory)")
                throw ExitCode(2)
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate every rule file; print each error as file:line:column: message (exit 2)."
        )

        @OptionGroup var location: Location

        func run() throws {
            let (rules, _, directory) = try location.load()
            let windows = rules.maintenance.windows.count
            print("\(directory): \(rules.rules.count) rules" + (windows > 0 ? ", \(windows) maintenance window(s)" : "") + " OK")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the rule tests in DIR/tests/*.yaml; exit 1 when one fails, 2 when files are invalid."
        )

        @OptionGroup var location: Location
        @Option(help: "Database for tests with from_history: that do not name one.") var db: String?

        func run() throws {
            let (rules, schema, directory) = try location.load()
            let testDirectory = (directory as NSString).appendingPathComponent("tests")
            let report: RuleTestReport
            let fallback = db
            let history: RuleTestHistoryLoader = { request in
                guard let path = request.database ?? fallback else {
                    throw StoredHistory.Failure(description: "no database: name it in the test (db:) or give --db FILE")
                }
                guard FileManager.default.fileExists(atPath: path) else { throw StoredHistory.Failure(description: "\(path): no such database") }
                return try StoredHistory.load(request, from: try TelemetryStore(path: path))
            }
            do {
                report = try RuleTestRunner.run(directory: testDirectory, rules: rules, schema: schema, history: history)
            } catch {
                for diagnostic in error.diagnostics { printError(diagnostic.description) }
                throw ExitCode(2)
            }
            print(report.description)
            if !report.passed { throw ExitCode(1) }
        }
    }
}
