import ArgumentParser

/// `--log-level` of the long-running commands (`run`, `serve`, `simulate`).
struct LogOptions: SettingFlags {
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical. Default: info.")
    var logLevel: String?

    var flags: [String: String] {
        logLevel.map { ["log-level": $0] } ?? [:]
    }
}
