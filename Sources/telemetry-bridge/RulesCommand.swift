import ArgumentParser
import Bridge
import Foundation
import Rules
import Telemetry

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Validate and test alert rules.",
        subcommands: [Check.self, Test.self]
    )

    struct Location: ParsableArguments {
        @Argument(help: "Rule directory.")
        var directory: String = "./Rules"

        @Option(help: "Device catalog the rules are checked against.")
        var devices: String = "./Devices"

        func load() throws -> (RuleSet, RuleSchema) {
            let catalog: DeviceCatalog
            do {
                catalog = try DeviceCatalog.load(directory: devices)
            } catch {
                for diagnostic in error.diagnostics { printError(diagnostic.description) }
                throw ExitCode(2)
            }
            let schema = RuleSchema(catalog: catalog)
            do {
                return (try RuleSet.load(directory: directory, schema: schema), schema)
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
            let (rules, _) = try location.load()
            print("\(location.directory): \(rules.rules.count) rules OK")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the rule tests in DIR/tests/*.yaml; exit 1 when one fails, 2 when files are invalid."
        )

        @OptionGroup var location: Location

        func run() throws {
            let (rules, schema) = try location.load()
            let testDirectory = (location.directory as NSString).appendingPathComponent("tests")
            let report: RuleTestReport
            do {
                report = try RuleTestRunner.run(directory: testDirectory, rules: rules, schema: schema)
            } catch {
                for diagnostic in error.diagnostics { printError(diagnostic.description) }
                throw ExitCode(2)
            }
            print(report.description)
            if !report.passed { throw ExitCode(1) }
        }
    }
}
