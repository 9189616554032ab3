import ArgumentParser

/// How `run` stores what it receives.
struct IngestOptions: SettingFlags {
    @Option(help: "SQLite database file. Default: ./telemetry.sqlite.")
    var db: String?

    @Option(help: "Subscription QoS: 0, 1 or 2. Default: 1 (at least once; acknowledged after commit).")
    var qos: String?

    @Option(name: .customLong("batch-size"), help: "Commit after this many messages. Default: 1000.")
    var batchSize: String?

    @Option(name: .customLong("batch-delay"), help: "Commit at least this often under continuous load (e.g. 50ms). Default: 50ms.")
    var batchDelay: String?

    @Option(name: .customLong("max-payload"), help: "Larger payloads become dead letters (bytes). Default: 65536.")
    var maxPayload: String?

    @Option(help: "SQLite durability: normal (survives a crash of the bridge) or full (also power loss). Default: normal.")
    var durability: String?

    @Option(name: .customLong("summary-interval"), help: "How often to log a one-line summary (e.g. 10s; 0 disables). Default: 10s.")
    var summaryInterval: String?

    var flags: [String: String] {
        var flags: [String: String] = [:]
        flags["db"] = db
        flags["qos"] = qos
        flags["batch-size"] = batchSize
        flags["batch-delay"] = batchDelay
        flags["max-payload"] = maxPayload
        flags["durability"] = durability
        flags["summary-interval"] = summaryInterval
        return flags
    }
}
