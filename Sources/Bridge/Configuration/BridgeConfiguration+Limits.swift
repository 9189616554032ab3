import Foundation
import Telemetry

extension BridgeConfiguration {
    /// The dashboard's limits and credentials.
    static func resolveHTTP(_ config: inout BridgeConfiguration, reader: inout SettingReader) throws(ConfigurationError) {
        if let http = try reader.string("http") {
            if http == "off" {
                config.http = nil
            } else if let address = HTTPAddress(parsing: http) {
                config.http = address
            } else {
                throw reader.invalid("http", expected: "HOST:PORT such as 127.0.0.1:8080 or [::1]:8080, with a port from 0 to 65535, or off")
            }
        }
        config.httpMaxConnections = try reader.integer("http-max-connections", in: 1...1_000_000) ?? config.httpMaxConnections
        config.httpMaxStreams = try reader.integer("http-max-streams", in: 0...100_000) ?? config.httpMaxStreams
        config.httpIdleTimeout = try reader.duration("http-idle-timeout", atLeast: 100) ?? config.httpIdleTimeout
        config.httpRequestTimeout = try reader.duration("http-request-timeout", atLeast: 100) ?? config.httpRequestTimeout
        if let tokenFile = try reader.existingFile("http-token-file") {
            config.httpToken = try reader.secret(from: tokenFile, setting: "http-token-file")
        }
        config.httpUsername = try reader.string("http-username")
        if let passwordFile = try reader.existingFile("http-password-file") {
            config.httpPassword = try reader.secret(from: passwordFile, setting: "http-password-file")
        }
        if (config.httpUsername == nil) != (config.httpPassword == nil) {
            throw reader.invalid(config.httpUsername == nil ? "http-password-file" : "http-username",
                                 expected: "http-username and http-password-file together")
        }
        if let origin = try reader.string("http-allow-origin") {
            guard let url = URL(string: origin), let scheme = url.scheme, scheme == "http" || scheme == "https",
                  url.host != nil, url.path.isEmpty, url.query == nil
            else {
                throw reader.invalid("http-allow-origin", expected: "an origin such as https://grafana.example.com (scheme, host, optional port)")
            }
            config.httpAllowOrigin = origin
        }
    }

    /// Bounds on what publishers can make the bridge keep.
    static func resolveLimits(_ config: inout BridgeConfiguration, reader: inout SettingReader) throws(ConfigurationError) {
        if let text = try reader.string("max-devices") {
            if text == "unlimited" {
                config.maxDevices = nil
            } else {
                guard let value = Int(text.replacingOccurrences(of: "_", with: "")), (1...100_000_000).contains(value) else {
                    throw reader.invalid("max-devices", expected: "a whole number from 1 to 100000000, or unlimited")
                }
                config.maxDevices = value
            }
        }
        config.maxTimestampAge = try reader.optionalDuration("max-timestamp-age", default: config.maxTimestampAge)
        config.maxTimestampAhead = try reader.optionalDuration("max-timestamp-ahead", default: config.maxTimestampAhead)
        config.deviceStateRetention = try reader.optionalDuration("device-state-retention", default: config.deviceStateRetention)
    }
}

extension SettingReader {
    /// A duration (`30d`), or `off` for none.
    mutating func optionalDuration(_ name: String, default value: Int64?) throws(ConfigurationError) -> Int64? {
        guard let text = try string(name) else { return value }
        if text == "off" { return nil }
        guard let milliseconds = DurationParser.milliseconds(text), milliseconds > 0 else {
            throw invalid(name, expected: "a duration such as 1d or 52w, or off")
        }
        return milliseconds
    }

    /// The first line of a file holding a secret; never quoted back in errors.
    func secret(from path: String, setting: String) throws(ConfigurationError) -> String {
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .unreadableFile(path: path, reason: "cannot read the \(setting) file as UTF-8 text")
        }
        let secret = contents.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !secret.isEmpty else {
            throw .unreadableFile(path: path, reason: "the \(setting) file is empty")
        }
        return secret
    }
}
