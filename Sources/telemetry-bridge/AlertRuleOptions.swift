import ArgumentParser

/// Where `run` finds its rules and publishes the alerts they raise.
struct AlertRuleOptions: SettingFlags {
    @Option(help: "Rule directory. Default: ./Rules when it exists (alerting off otherwise).")
    var rules: String?

    @Option(name: .customLong("alert-topic"), help: "Topic of alert events, or off (not published on MQTT). Default: alerts/{severity}/{alert}/{device}.")
    var alertTopic: String?

    @Option(name: .customLong("active-alert-topic"), help: "Retained topic of each firing alert. Default: alerts/active/{alert}/{device}.")
    var activeAlertTopic: String?

    @Option(name: .customLong("rules-watch-interval"), help: "How often to look for changed rule files (e.g. 2s; 0: SIGHUP only). Default: 2s.")
    var rulesWatchInterval: String?

    var flags: [String: String] {
        var flags: [String: String] = [:]
        flags["rules"] = rules
        flags["alert-topic"] = alertTopic
        flags["active-alert-topic"] = activeAlertTopic
        flags["rules-watch-interval"] = rulesWatchInterval
        return flags
    }
}
