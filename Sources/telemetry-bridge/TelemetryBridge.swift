import ArgumentParser
import Foundation

@main
struct TelemetryBridge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry-bridge",
        abstract: "Store MQTT sensor telemetry in SQLite, decode it by a device catalog, and keep bad input as dead letters.",
        subcommands: [RunCommand.self, SimulateCommand.self, ExportCommand.self, DeadLettersCommand.self, ReplayCommand.self, RulesCommand.self, DevicesCommand.self, ServeCommand.self, AlertsCommand.self]
    )

    /// Exit codes follow the README: 0 ok, 1 runtime failure, 2 usage or invalid files.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
