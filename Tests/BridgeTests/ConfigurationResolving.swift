import Foundation

@testable import Bridge
@testable import Replay

/// Resolves a configuration as `run` does: flags over environment over the file (`file`: a path).
func resolveConfiguration(flags: [String: String] = [:], environment: [String: String] = [:], file: String? = nil)
    throws -> BridgeConfiguration
{
    let fileValues = try file.map {
        try ConfigurationValues.loadFile(path: $0, knownSettings: BridgeConfiguration.settingNames,
                                          listSettings: BridgeConfiguration.listSettingNames)
    } ?? [:]
    return try BridgeConfiguration.resolve(
        ConfigurationValues(flags: flags, environment: environment, file: fileValues), environment: environment)
}
