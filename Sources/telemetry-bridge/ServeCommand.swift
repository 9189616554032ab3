import ArgumentParser
import Bridge
import Dashboard
import Foundation
import NIOPosix
import Operations
import Rules
import Storage
import Telemetry

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the dashboard over a stored database, without a broker (no ingest; live events only keep alive)."
    )

    @Option(help: "Configuration file (YAML). Default: ./bridge.yaml when it exists. Env: TELEMETRY_BRIDGE_CONFIG.")
    var config: String?

    @Option(help: "SQLite database file to serve. Default: ./telemetry.sqlite.")
    var db: String?

    @OptionGroup var httpOptions: HTTPOptions

    @Option(help: "Rule directory, for the pending alerts at any moment. Default: ./Rules when it exists.")
    var rules: String?

    @OptionGroup var catalog: CatalogOptions

    @OptionGroup var log: LogOptions

    func run() throws {
        var flags = ([httpOptions, catalog, log] as [any SettingFlags]).flags
        flags["db"] = db
        flags["rules"] = rules
        let configuration = try ConfigurationResolver.resolveDashboard(config: config, flags: flags)
        guard let address = configuration.http else {
            throw CommandFailure.exit("serve needs an HTTP address: --http off leaves nothing to serve", code: 2)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: configuration.database, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CommandFailure.exit("database file not found: \(configuration.database) (--db)", code: 1)
        }
        let logger = LogSetup.bootstrap(level: configuration.logLevel)
        let store: TelemetryStore
        let ruleSet: RuleSet?
        do {
            store = try openStore(configuration.database)
            ruleSet = try loadRules(configuration)
        } catch {
            throw CommandFailure.exit(error)
        }
        let operations = WritableOperations(path: configuration.database)
        let dashboard = DashboardApplication(
            store: store, now: WallClock.milliseconds,
            health: {
                // A store read blocks: on NIO's blocking pool, not a cooperative thread.
                do {
                    let series = try await NIOThreadPool.singleton.runIfActive { try store.series().count }
                    return DashboardHealth(healthy: true, checks: ["database": "readable", "series": "\(series)"])
                } catch {
                    return DashboardHealth(healthy: false, checks: ["database": "\(error)"])
                }
            },
            currentRules: { ruleSet },
            commands: { command throws(OperatorError) in try operations.perform(command, now: WallClock.milliseconds()) },
            events: LiveEvents(maximumSubscribers: configuration.httpMaxStreams),
            settings: HTTPServerSettings(configuration, logger: logger))
        let signals = SignalWaiter()
        let server: DashboardServer
        do {
            server = try DashboardServer.start(dashboard, address: address, logger: logger)
        } catch {
            throw CommandFailure.exit(error.description, code: 1)
        }
        logger.info("dashboard listening", metadata: [
            "url": "\(server.url)", "db": "\(configuration.database)", "rules": "\(ruleSet?.rules.count ?? 0)",
        ])
        let signal = signals.wait()
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        server.stop()
        logger.info("stopped")
    }

    private func openStore(_ path: String) throws(BridgeError) -> TelemetryStore {
        do {
            return try TelemetryStore(path: path, configuration: StoreConfiguration(readOnly: true))
        } catch {
            throw .storage(error)
        }
    }

    /// The rules of `--rules` (or `./Rules`), checked against the device catalog like `run` does.
    private func loadRules(_ configuration: BridgeConfiguration) throws(BridgeError) -> RuleSet? {
        let directory = configuration.rules ?? (FileManager.default.fileExists(atPath: "./Rules") ? "./Rules" : nil)
        guard let directory else { return nil }
        let catalog: DeviceCatalog
        do {
            catalog = try DeviceCatalog.load(directory: configuration.devices)
        } catch {
            throw .catalog(error)
        }
        do {
            return try RuleSet.load(directory: directory, schema: RuleSchema(catalog: catalog),
                                    attributesFile: RuleSet.attributesFile(devices: configuration.devices))
        } catch {
            throw .rules(error)
        }
    }
}
