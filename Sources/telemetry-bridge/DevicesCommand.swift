import ArgumentParser
import Foundation
import Telemetry

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "Work with the device catalog.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate device definitions; print every error as file:line:column: message (exit 2)."
        )

        @Argument(help: "Device catalog directory. Default: devices of the configuration, or ./Devices.")
        var devices: String?

        @Option(help: "Configuration file (YAML). Default: ./bridge.yaml when it exists. Env: TELEMETRY_BRIDGE_CONFIG.")
        var config: String?

        func run() throws {
            let directory = try ConfigurationResolver.resolveLocal(config: config, flags: ["devices": devices]).devices
            do {
                let catalog = try DeviceCatalog.load(directory: directory)
                print("\(directory): \(catalog.types.count) device types OK")
                for type in catalog.types {
                    print("  \(type.name)  \(type.topic)  (\(type.format), \(type.metrics.count) metrics)")
                }
            } catch {
                for diagnostic in error.diagnostics {
                    printError(diagnostic.description)
                }
                throw ExitCode(2)
            }
        }
    }
}
