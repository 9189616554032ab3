import Delivery
import Foundation

extension BridgeConfiguration {
    /// Where alert events go besides MQTT: Alertmanagers and webhooks, and how delivery is watched.
    static func resolveDelivery(_ config: inout BridgeConfiguration, reader: inout SettingReader) throws(ConfigurationError) {
        config.alertmanagerResendInterval = try reader.duration("alertmanager-resend-interval", atLeast: 1000)
            ?? config.alertmanagerResendInterval
        config.deliveryTimeout = try reader.duration("delivery-timeout", atLeast: 100) ?? config.deliveryTimeout
        config.deliveryDegradedAfter = try reader.duration("delivery-degraded-after") ?? config.deliveryDegradedAfter
        if let external = try reader.string("external-url") {
            guard let url = URL(string: external), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw reader.invalid("external-url", expected: "the dashboard's URL as users reach it, such as https://bridge.example.com")
            }
            config.externalURL = external
        } else if let http = config.http {
            let host = http.host == "0.0.0.0" || http.host == "::" ? ProcessInfo.processInfo.hostName : http.host
            config.externalURL = "http://" + (host.contains(":") ? "[\(host)]" : host) + ":\(http.port)"
        }

        config.alertmanagers = []
        for (index, item) in reader.values.items("alertmanager").enumerated() {
            let setting = "alertmanager[\(index)]"
            let url = try httpURL(item, setting: setting)
            config.alertmanagers.append(AlertmanagerTarget(url: url, name: try name(item, setting: setting)))
        }
        var flagSecret: [UInt8]?
        if let secretFile = try reader.existingFile("webhook-secret-file") {
            flagSecret = Array(try reader.secret(from: secretFile, setting: "webhook-secret-file").utf8)
        }
        config.webhooks = []
        for (index, item) in reader.values.items("webhook", fileKey: "webhooks").enumerated() {
            let setting = "webhooks[\(index)]"
            let url = try httpURL(item, setting: setting)
            var secret = flagSecret
            if let (path, source) = item.fields["secret-file"] {
                guard SettingReader.isFile(path) else {
                    throw .invalidValue(setting: "\(setting).secret-file", value: path, source: source,
                                        expected: SettingReader.existingFileExpectation)
                }
                secret = Array(try reader.secret(from: path, setting: "\(setting).secret-file").utf8)
            }
            var headers: [WebhookTarget.Header] = []
            for header in item.headers {
                guard !header.name.isEmpty, header.name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }),
                      !header.value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 })
                else {
                    throw .invalidValue(setting: "\(setting).headers", value: header.name, source: header.source,
                                        expected: "a header name (visible ASCII, no colon) with a one-line value")
                }
                headers.append(WebhookTarget.Header(name: header.name, value: header.value))
            }
            config.webhooks.append(WebhookTarget(url: url, headers: headers, secret: secret, name: try name(item, setting: setting)))
        }
        let names = config.alertmanagers.map(\.name) + config.webhooks.map(\.name)
        if let duplicate = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw .invalidValue(setting: "webhooks", value: duplicate, source: .defaultValue,
                                expected: "each sink once (give two sinks to the same URL different names)")
        }
    }

    private static func httpURL(_ item: ConfigurationItem, setting: String) throws(ConfigurationError) -> URL {
        guard let (text, source) = item.fields["url"] else {
            throw .invalidValue(setting: setting, value: "", source: item.source, expected: "a url")
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty
        else {
            throw .invalidValue(setting: setting, value: HTTPPoster.redactedText(text), source: source,
                                expected: "an http:// or https:// URL with a host, such as http://127.0.0.1:9093")
        }
        return url
    }

    private static func name(_ item: ConfigurationItem, setting: String) throws(ConfigurationError) -> String? {
        guard let (name, source) = item.fields["name"] else { return nil }
        guard !name.isEmpty, name.count <= 100 else {
            throw .invalidValue(setting: "\(setting).name", value: name, source: source, expected: "a name of 1 to 100 characters")
        }
        return name
    }
}
