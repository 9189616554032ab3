import ArgumentParser

/// How long `run` keeps readings and rollups.
struct RetentionOptions: SettingFlags {
    @Option(name: .customLong("retention-raw"), help: "Keep raw readings this long (e.g. 30d), or forever. Default: forever.")
    var raw: String?

    @Option(name: .customLong("retention-1m"), help: "Keep minute rollups this long (e.g. 365d), or forever. Default: forever.")
    var minute: String?

    @Option(name: .customLong("retention-1h"), help: "Keep hour rollups this long, or forever. Default: forever.")
    var hour: String?

    @Option(name: .customLong("retention-interval"), help: "How often retention runs (e.g. 10m). Default: 10m.")
    var interval: String?

    var flags: [String: String] {
        var flags: [String: String] = [:]
        flags["retention-raw"] = raw
        flags["retention-1m"] = minute
        flags["retention-1h"] = hour
        flags["retention-interval"] = interval
        return flags
    }
}
