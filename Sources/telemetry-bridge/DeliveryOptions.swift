import ArgumentParser

/// Flags of alert delivery (`run`). Each one can also be given as a `TELEMETRY_BRIDGE_*`
/// environment variable (lists comma-separated) or in the configuration file (`alertmanager:`,
/// `webhooks:` as lists).
struct DeliveryOptions: SettingFlags {
    @Option(help: "Send alert events to this Alertmanager (base URL, e.g. http://127.0.0.1:9093). Repeatable.")
    var alertmanager: [String] = []

    @Option(help: "POST every alert event's JSON to this URL. Repeatable.")
    var webhook: [String] = []

    @Option(name: .customLong("webhook-secret-file"), help: "File holding the key of the webhooks' HMAC-SHA256 signature header.")
    var webhookSecretFile: String?

    @Option(name: .customLong("external-url"), help: "The dashboard's URL as users reach it, for links in alerts. Default: from --http.")
    var externalURL: String?

    @Option(name: .customLong("alertmanager-resend-interval"), help: "Re-send firing alerts to Alertmanager this often. Default: 1m.")
    var alertmanagerResendInterval: String?

    @Option(name: .customLong("delivery-timeout"), help: "An HTTP delivery (webhook, Alertmanager) may take this long. Default: 10s.")
    var deliveryTimeout: String?

    @Option(name: .customLong("delivery-degraded-after"), help: "/healthz reports a sink failing this long as degraded. Default: 5m.")
    var deliveryDegradedAfter: String?

    var flags: [String: String] {
        var flags: [String: String] = [:]
        if !alertmanager.isEmpty { flags["alertmanager"] = alertmanager.joined(separator: "\n") }
        if !webhook.isEmpty { flags["webhook"] = webhook.joined(separator: "\n") }
        flags["webhook-secret-file"] = webhookSecretFile
        flags["external-url"] = externalURL
        flags["alertmanager-resend-interval"] = alertmanagerResendInterval
        flags["delivery-timeout"] = deliveryTimeout
        flags["delivery-degraded-after"] = deliveryDegradedAfter
        return flags
    }
}
