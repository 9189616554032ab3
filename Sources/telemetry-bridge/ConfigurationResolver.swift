import Bridge
import Foundation

/// Layers flags over the environment over the configuration file (`--config`,
/// `TELEMETRY_BRIDGE_CONFIG` or `./bridge.yaml`), and resolves them; a bad setting exits with code 2.
enum ConfigurationResolver {
    static func resolve(config: String?, flags: [String: String]) throws -> BridgeConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let explicitFile = config ?? environment[ConfigurationValues.environmentPrefix + "CONFIG"]
        let filePath = explicitFile ?? (FileManager.default.fileExists(atPath: "bridge.yaml") ? "bridge.yaml" : nil)
        do {
            let file = try filePath.map {
                try ConfigurationValues.loadFile(path: $0, knownSettings: BridgeConfiguration.settingNames,
                                              listSettings: BridgeConfiguration.listSettingNames)
            } ?? [:]
            let values = ConfigurationValues(flags: flags, environment: environment, file: file)
            return try BridgeConfiguration.resolve(values, environment: environment)
        } catch let error as ConfigurationError {
            throw CommandFailure.exit(BridgeError.configuration(error))
        }
    }
}
