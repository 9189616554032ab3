import ArgumentParser

/// An option group whose flags are settings of ``Bridge/BridgeConfiguration`` (each one also a
/// `TELEMETRY_BRIDGE_*` variable and a key of the configuration file): the flags given, by
/// setting name, for the one resolver.
protocol SettingFlags: ParsableArguments {
    var flags: [String: String] { get }
}

extension Array where Element == any SettingFlags {
    /// Every group's flags (names never overlap between groups).
    var flags: [String: String] {
        reduce(into: [:]) { all, group in all.merge(group.flags) { _, later in later } }
    }
}
