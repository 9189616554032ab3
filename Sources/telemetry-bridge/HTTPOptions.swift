import ArgumentParser

/// Flags of the dashboard's HTTP server, shared by `run` and `serve`. Each one can also be given
/// as a `TELEMETRY_BRIDGE_*` environment variable or in the configuration file.
struct HTTPOptions: SettingFlags {
    @Option(help: "Dashboard, JSON API, /metrics and /healthz address HOST:PORT, or off. Default: 127.0.0.1:8080.")
    var http: String?

    @Option(name: .customLong("http-max-connections"), help: "Open HTTP connections at most. Default: 512.")
    var maxConnections: String?

    @Option(name: .customLong("http-max-streams"), help: "Live event streams (/api/events) at most; more get 503. Default: 16.")
    var maxStreams: String?

    @Option(name: .customLong("http-idle-timeout"), help: "Close HTTP connections idle this long (e.g. 30s). Default: 30s.")
    var idleTimeout: String?

    @Option(name: .customLong("http-request-timeout"), help: "API answers slower than this get 503 (e.g. 30s). Default: 30s.")
    var requestTimeout: String?

    @Option(name: .customLong("http-token-file"), help: "File holding a bearer token every request but /healthz must carry.")
    var tokenFile: String?

    @Option(name: .customLong("http-username"), help: "Basic authentication user for the dashboard (with --http-password-file).")
    var username: String?

    @Option(name: .customLong("http-password-file"), help: "File holding the dashboard's basic authentication password.")
    var passwordFile: String?

    @Option(name: .customLong("http-allow-origin"), help: "An origin (https://host[:port]) allowed to use the API from its pages. Default: none.")
    var allowOrigin: String?

    var flags: [String: String] {
        var flags: [String: String] = [:]
        flags["http"] = http
        flags["http-max-connections"] = maxConnections
        flags["http-max-streams"] = maxStreams
        flags["http-idle-timeout"] = idleTimeout
        flags["http-request-timeout"] = requestTimeout
        flags["http-token-file"] = tokenFile
        flags["http-username"] = username
        flags["http-password-file"] = passwordFile
        flags["http-allow-origin"] = allowOrigin
        return flags
    }
}
