import Delivery
import Foundation

/// Everything `telemetry-bridge run` needs, resolved from flags, environment, file and defaults.
///
/// The password itself is never a setting: it comes from `password-file` or the
/// `TELEMETRY_BRIDGE_PASSWORD` environment variable, and is never printed.
public struct BridgeConfiguration: Sendable {
    public var broker: String = "mqtt://127.0.0.1:1883"
    public var database: String = "./telemetry.sqlite"
    public var devices: String = "./Devices"
    /// Rule directory; nil means `./Rules` when it exists (alerting off otherwise).
    public var rules: String?
    /// Where alert events are published; `{severity}`, `{alert}`, `{device}` are replaced.
    public var alertTopic: String = "alerts/{severity}/{alert}/{device}"
    /// Whether alert events are published on MQTT at all (`alert-topic: off` turns it off, for
    /// deployments that deliver only to Alertmanager or webhooks).
    public var publishAlerts = true
    /// Retained copy of each firing alert (empty retained message once cleared).
    public var activeAlertTopic: String = "alerts/active/{alert}/{device}"
    /// Milliseconds between checks of the rule files for changes (SIGHUP reloads at once); 0 turns watching off.
    public var rulesWatchInterval: Int64 = 2000
    /// How long raw readings, minute rollups and hour rollups are kept (ms); nil keeps them forever.
    public var retentionRaw: Int64?
    public var retentionMinute: Int64?
    public var retentionHour: Int64?
    /// Milliseconds between retention passes (each deletes in small transactions beside ingest).
    public var retentionInterval: Int64 = 600_000
    public var clientID: String?
    public var username: String?
    public var password: String?
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var tlsInsecure: Bool = false
    public var mqttVersion: MQTTVersionSetting = .v5
    public var qos: Int = 1
    public var batchSize: Int = 1000
    /// Milliseconds a batch may wait for more messages under continuous inflow before it is committed.
    public var batchDelay: Int64 = 50
    public var maxPayload: Int = 65536
    public var durability: DurabilitySetting = .normal
    public var logLevel: String = "info"
    /// Milliseconds between the one-line summaries in the log; 0 turns them off.
    public var summaryInterval: Int64 = 10_000
    /// Where the dashboard listens; nil (`off`) runs no HTTP server.
    public var http: HTTPAddress? = .default
    /// Open HTTP connections at most (fewer when the open-file limit leaves less room).
    public var httpMaxConnections: Int = 512
    /// `/api/events` streams at most.
    public var httpMaxStreams: Int = 16
    /// Milliseconds an HTTP connection may stay without a request (or the rest of one).
    public var httpIdleTimeout: Int64 = 30_000
    /// Milliseconds an API answer may take before the client gets 503.
    public var httpRequestTimeout: Int64 = 30_000
    /// Bearer token every dashboard request but `/healthz` must carry (from `http-token-file`).
    public var httpToken: String?
    /// Basic authentication user (`http-username`, password from `http-password-file`).
    public var httpUsername: String?
    public var httpPassword: String?
    /// An origin allowed to use the API from its pages (CORS); nil: same origin only.
    public var httpAllowOrigin: String?
    /// Most distinct devices kept; messages of new devices beyond it become dead letters
    /// (`device_limit`). nil: no limit.
    public var maxDevices: Int? = 100_000
    /// Event times further than this in the past (ms before the receive time) are dead letters
    /// (`implausible_timestamp`); nil: any past time.
    public var maxTimestampAge: Int64? = 10 * 365 * 86_400_000
    /// Event times further than this in the future are dead letters; nil: any future time.
    public var maxTimestampAhead: Int64? = 86_400_000
    /// Per-device state (rules, last-seen) of a device silent this long is released; nil: kept.
    public var deviceStateRetention: Int64? = 7 * 86_400_000
    /// Alertmanagers alert events are sent to (`alertmanager`, repeatable).
    public var alertmanagers: [AlertmanagerTarget] = []
    /// Webhooks alert events are POSTed to (`webhook`, repeatable; `webhooks:` in the file).
    public var webhooks: [WebhookTarget] = []
    /// The dashboard's URL as users reach it, for links in alerts (`generatorURL`); by default
    /// from `http` (a wildcard address becomes the host name).
    public var externalURL: String?
    /// Milliseconds between re-sends of the firing alerts to Alertmanager.
    public var alertmanagerResendInterval: Int64 = 60_000
    /// Milliseconds an HTTP delivery (webhook, Alertmanager) may take.
    public var deliveryTimeout: Int64 = 10_000
    /// A sink failing this long makes `/healthz` report it (degraded, still 200).
    public var deliveryDegradedAfter: Int64 = 300_000

    public init() {}

    public enum MQTTVersionSetting: String, Sendable, CaseIterable {
        case v311 = "3.1.1"
        case v5 = "5"
    }

    public enum DurabilitySetting: String, Sendable, CaseIterable {
        case normal, full
    }

    /// Every setting name, as flag (`--name`), environment variable and file key.
    public static let settingNames: Set<String> = [
        "broker", "db", "devices", "rules", "alert-topic", "active-alert-topic", "rules-watch-interval",
        "retention-raw", "retention-1m", "retention-1h", "retention-interval", "client-id", "username", "password-file", "ca-file", "cert-file",
        "key-file", "tls-insecure", "mqtt-version", "qos", "batch-size", "batch-delay", "max-payload",
        "durability", "log-level", "summary-interval", "http", "http-max-connections", "http-max-streams",
        "http-idle-timeout", "http-request-timeout", "http-token-file", "http-username", "http-password-file", "http-allow-origin",
        "max-devices", "max-timestamp-age", "max-timestamp-ahead", "device-state-retention",
        "alertmanager", "webhook", "webhook-secret-file", "external-url", "alertmanager-resend-interval",
        "delivery-timeout", "delivery-degraded-after",
    ]

    /// Settings the configuration file may give as a list (see ``ConfigurationItem``).
    public static let listSettingNames: Set<String> = ["alertmanager", "webhooks"]

    /// The settings of the commands that work on the store and the catalog without a broker
    /// (`export`, `deadletters`, `alerts`, `rules`, `devices`): `db`, `devices`, `rules`,
    /// `max-payload`, `log-level`, checked as ``resolve(_:environment:)`` checks them; no other
    /// setting is read (no secret files, which such a command may not be allowed to open).
    public static func resolveLocal(_ values: ConfigurationValues) throws(ConfigurationError) -> BridgeConfiguration {
        var reader = SettingReader(values: values)
        var config = BridgeConfiguration()
        try config.readLocal(&reader)
        return config
    }

    /// ``resolveLocal(_:)`` and the dashboard's settings (`http`, `http-*`, with the token and
    /// password files it needs): for `serve`, which reads no broker setting.
    public static func resolveDashboard(_ values: ConfigurationValues) throws(ConfigurationError) -> BridgeConfiguration {
        var reader = SettingReader(values: values)
        var config = BridgeConfiguration()
        try config.readLocal(&reader)
        try resolveHTTP(&config, reader: &reader)
        return config
    }

    private mutating func readLocal(_ reader: inout SettingReader) throws(ConfigurationError) {
        database = try reader.string("db") ?? database
        devices = try reader.string("devices") ?? devices
        rules = try reader.string("rules")
        maxPayload = try reader.integer("max-payload", in: 16...(256 * 1024 * 1024)) ?? maxPayload
        logLevel = try reader.choice("log-level", LogLevelSetting.self)?.rawValue ?? logLevel
    }

    /// Resolves the configuration, reading `password-file` or `TELEMETRY_BRIDGE_PASSWORD` for the password.
    public static func resolve(_ values: ConfigurationValues, environment: [String: String]) throws(ConfigurationError)
        -> BridgeConfiguration
    {
        var reader = SettingReader(values: values)
        var config = BridgeConfiguration()
        config.broker = try reader.string("broker") ?? config.broker
        guard config.broker.hasPrefix("mqtt://") || config.broker.hasPrefix("mqtts://") else {
            throw reader.invalid("broker", expected: "a URL such as mqtt://127.0.0.1:1883 or mqtts://broker:8883")
        }
        try config.readLocal(&reader)
        if try reader.string("alert-topic") == "off" {
            config.publishAlerts = false
        } else {
            config.alertTopic = try reader.topicTemplate("alert-topic") ?? config.alertTopic
        }
        config.activeAlertTopic = try reader.topicTemplate("active-alert-topic") ?? config.activeAlertTopic
        config.rulesWatchInterval = try reader.duration("rules-watch-interval") ?? config.rulesWatchInterval
        config.retentionRaw = try reader.retention("retention-raw")
        config.retentionMinute = try reader.retention("retention-1m")
        config.retentionHour = try reader.retention("retention-1h")
        config.retentionInterval = try reader.duration("retention-interval") ?? config.retentionInterval
        config.clientID = try reader.string("client-id")
        config.username = try reader.string("username")
        config.caFile = try reader.existingFile("ca-file")
        config.certFile = try reader.existingFile("cert-file")
        config.keyFile = try reader.existingFile("key-file")
        config.tlsInsecure = try reader.bool("tls-insecure") ?? false
        config.mqttVersion = try reader.choice("mqtt-version", MQTTVersionSetting.self) ?? .v5
        config.qos = try reader.integer("qos", in: 0...2) ?? 1
        config.batchSize = try reader.integer("batch-size", in: 1...100_000) ?? config.batchSize
        config.batchDelay = try reader.duration("batch-delay") ?? config.batchDelay
        config.durability = try reader.choice("durability", DurabilitySetting.self) ?? .normal
        config.summaryInterval = try reader.duration("summary-interval") ?? config.summaryInterval
        try resolveHTTP(&config, reader: &reader)
        try resolveLimits(&config, reader: &reader)
        try resolveDelivery(&config, reader: &reader)
        if let passwordFile = try reader.existingFile("password-file") {
            do {
                config.password = try String(contentsOfFile: passwordFile, encoding: .utf8)
                    .trimmingCharacters(in: .newlines)
            } catch {
                throw .unreadableFile(path: passwordFile, reason: "cannot read the password file")
            }
        } else if let password = environment[ConfigurationValues.environmentPrefix + "PASSWORD"] {
            config.password = password
        }
        if config.certFile != nil, config.keyFile == nil {
            throw reader.invalid("cert-file", expected: "a client certificate together with --key-file")
        }
        return config
    }

    enum LogLevelSetting: String, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }
}
