import ArgumentParser

/// Bounds on what `run` accepts and keeps in memory from the fleet.
struct LimitOptions: SettingFlags {
    @Option(name: .customLong("max-devices"), help: "Most distinct devices kept; new ones beyond become dead letters (device_limit). Default: 100000, or unlimited.")
    var maxDevices: String?

    @Option(name: .customLong("max-timestamp-age"), help: "Event times older than this before receipt are dead letters (implausible_timestamp), or off. Default: 3650d.")
    var maxTimestampAge: String?

    @Option(name: .customLong("max-timestamp-ahead"), help: "Event times further ahead than this are dead letters (implausible_timestamp), or off. Default: 1d.")
    var maxTimestampAhead: String?

    @Option(name: .customLong("device-state-retention"), help: "Release the in-memory state of devices silent this long, or off. Default: 7d.")
    var deviceStateRetention: String?

    var flags: [String: String] {
        var flags: [String: String] = [:]
        flags["max-devices"] = maxDevices
        flags["max-timestamp-age"] = maxTimestampAge
        flags["max-timestamp-ahead"] = maxTimestampAhead
        flags["device-state-retention"] = deviceStateRetention
        return flags
    }
}
