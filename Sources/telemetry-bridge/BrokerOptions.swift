import ArgumentParser
import Bridge
import Foundation

/// Flags shared by every command that talks to a broker. Each one can also be given as a
/// `TELEMETRY_BRIDGE_*` environment variable or in the configuration file.
struct BrokerOptions: SettingFlags {
    @Option(help: "Configuration file (YAML). Default: ./bridge.yaml when it exists. Env: TELEMETRY_BRIDGE_CONFIG.")
    var config: String?

    @Option(help: "Broker URL, mqtt://host:port or mqtts://host:port. Default: mqtt://127.0.0.1:1883.")
    var broker: String?

    @Option(name: .customLong("client-id"), help: "MQTT client id (keep it stable: the broker keeps the session by id).")
    var clientID: String?

    @Option(help: "MQTT user name.")
    var username: String?

    @Option(name: .customLong("password-file"), help: "File holding the MQTT password (or set TELEMETRY_BRIDGE_PASSWORD).")
    var passwordFile: String?

    @Option(name: .customLong("ca-file"), help: "CA certificate (PEM) to verify the broker (mqtts://).")
    var caFile: String?

    @Option(name: .customLong("cert-file"), help: "Client certificate (PEM) for mutual TLS.")
    var certFile: String?

    @Option(name: .customLong("key-file"), help: "Client private key (PEM) for mutual TLS.")
    var keyFile: String?

    @Option(name: .customLong("tls-insecure"), help: "Skip the broker host name check (true|false). Testing only.")
    var tlsInsecure: String?

    @Option(name: .customLong("mqtt-version"), help: "MQTT protocol version: 5 or 3.1.1. Default: 5.")
    var mqttVersion: String?


    var flags: [String: String] {
        var flags: [String: String] = [:]
        flags["broker"] = broker
        flags["client-id"] = clientID
        flags["username"] = username
        flags["password-file"] = passwordFile
        flags["ca-file"] = caFile
        flags["cert-file"] = certFile
        flags["key-file"] = keyFile
        flags["tls-insecure"] = tlsInsecure
        flags["mqtt-version"] = mqttVersion
        return flags
    }

    /// Layers flags over the environment over the configuration file, and resolves them.
    func resolve(extraFlags: [String: String] = [:]) throws -> BridgeConfiguration {
        try ConfigurationResolver.resolve(config: config, flags: flags.merging(extraFlags) { _, extra in extra })
    }
}
