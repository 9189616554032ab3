import Bridge
import Foundation

/// The one way every command reads its settings: flags over `TELEMETRY_BRIDGE_*` variables over
/// the configuration file (`--config`, `TELEMETRY_BRIDGE_CONFIG` or `./bridge.yaml`), over the
/// defaults of ``BridgeConfiguration``. A bad setting exits with code 2.
enum ConfigurationResolver {
    /// The layered values, unresolved: for commands that need a few settings only.
    static func values(config: String?, flags: [String: String?]) throws -> ConfigurationValues {
        let environment = ProcessInfo.processInfo.environment
        let explicitFile = config ?? environment[ConfigurationValues.environmentPrefix + "CONFIG"]
        let filePath = explicitFile ?? (FileManager.default.fileExists(atPath: "bridge.yaml") ? "bridge.yaml" : nil)
        do {
            let file = try filePath.map {
                try ConfigurationValues.loadFile(path: $0, knownSettings: BridgeConfiguration.settingNames,
                                              listSettings: BridgeConfiguration.listSettingNames)
            } ?? [:]
            return ConfigurationValues(flags: flags.compactMapValues { $0 }, environment: environment, file: file)
        } catch let error as ConfigurationError {
            throw CommandFailure.exit(BridgeError.configuration(error))
        }
    }

    /// The settings of commands without a broker (see ``BridgeConfiguration/resolveLocal(_:)``).
    static func resolveLocal(config: String?, flags: [String: String?]) throws -> BridgeConfiguration {
        try resolved(config: config, flags: flags) { values throws(ConfigurationError) in
            try BridgeConfiguration.resolveLocal(values)
        }
    }

    /// The local settings and the dashboard's (`serve`: no broker setting is read).
    static func resolveDashboard(config: String?, flags: [String: String]) throws -> BridgeConfiguration {
        try resolved(config: config, flags: flags) { values throws(ConfigurationError) in
            try BridgeConfiguration.resolveDashboard(values)
        }
    }

    /// Every setting resolved and checked (`run`, `simulate`, `replay --publish`).
    static func resolve(config: String?, flags: [String: String]) throws -> BridgeConfiguration {
        try resolved(config: config, flags: flags) { values throws(ConfigurationError) in
            try BridgeConfiguration.resolve(values, environment: ProcessInfo.processInfo.environment)
        }
    }

    /// The layered values through `resolve`; its error exits with code 2, naming the setting.
    private static func resolved(
        config: String?, flags: [String: String?],
        _ resolve: (ConfigurationValues) throws(ConfigurationError) -> BridgeConfiguration
    ) throws -> BridgeConfiguration {
        let values = try values(config: config, flags: flags)
        do {
            return try resolve(values)
        } catch {
            throw CommandFailure.exit(BridgeError.configuration(error))
        }
    }
}
