import ArgumentParser
import Bridge
import Foundation
import Storage

/// `--config` and `--db` of the commands that read the store (`export`, `deadletters`,
/// `alerts`): the database is the one `run` writes, from the flag, `TELEMETRY_BRIDGE_DB` or
/// `db:` in the configuration file.
struct StoreOptions: ParsableArguments {
    @Option(help: "Configuration file (YAML). Default: ./bridge.yaml when it exists. Env: TELEMETRY_BRIDGE_CONFIG.")
    var config: String?

    @Option(help: "SQLite database file. Default: db of the configuration, or ./telemetry.sqlite.")
    var db: String?

    /// The local settings (database, catalog, rules, payload limit), with these flags on top.
    func settings(flags: [String: String?] = [:]) throws -> BridgeConfiguration {
        try ConfigurationResolver.resolveLocal(config: config, flags: flags.merging(["db": db]) { flag, _ in flag })
    }

    /// Opens the database; a missing file exits with code 2 (a store is never created here).
    func openStore() throws -> TelemetryStore {
        try Self.openStore(config: config, db: db)
    }

    /// Opens the database of a configuration file and `--db` flag (commands whose own options
    /// carry them).
    static func openStore(config: String?, db: String?) throws -> TelemetryStore {
        let path = try ConfigurationResolver.resolveLocal(config: config, flags: ["db": db]).database
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure.exit("\(path): no such database", code: 2)
        }
        do {
            return try TelemetryStore(path: path)
        } catch {
            throw CommandFailure.exit("\(error)", code: 1)
        }
    }
}
