import Foundation

/// How to reach the broker and how the session behaves.
///
/// Built from a URL (`mqtt://host[:port]`, `mqtts://host[:port]`, optionally `user@`) and then
/// adjusted field by field. The password is never printed: `description` redacts it.
public struct MQTTConfiguration: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// Set for `mqtts://`; `nil` means plain TCP.
    public var tls: MQTTTLS?
    /// Also names the persistent session on the broker. Default `telemetry-bridge-<hostname>`.
    public var clientID: String
    public var username: String?
    /// An already resolved password (from `readPassword(file:)` or an environment variable).
    public var password: String?
    public var protocolVersion: MQTTProtocolVersion = .v5
    /// Seconds between keepalive pings when idle (0 disables, otherwise at least 5).
    public var keepAlive: Int = 30
    /// `false` (the default) keeps a persistent session: the broker queues QoS 1/2 messages
    /// while we are away and remembers the subscriptions.
    public var cleanSession: Bool = false
    /// MQTT 5 session expiry in seconds, sent with CONNECT when `cleanSession` is false.
    public var sessionExpiry: UInt32 = 7 * 24 * 3600
    /// MQTT 5 receive maximum: QoS 1/2 messages the broker may have unacknowledged in flight.
    ///
    /// Well above the batch size, so the broker keeps sending while a batch is committed (with
    /// acknowledge-after-commit, a window equal to the batch size idles the broker during every
    /// commit). Unread messages wait in the socket and the broker, not in our memory.
    public var receiveMaximum: Int = 20_000
    /// Our own QoS 1/2 publishes in flight at once (the broker may lower it).
    public var maxInflightOut: Int = 100
    /// Publishes not yet completed above which `publish` blocks callers other than the handler.
    public var maxOutstandingPublishes: Int = 10_000
    /// Most messages handed to the handler at once.
    public var maxBatch: Int = 1000
    /// Longest a batch keeps collecting after its first message while data keeps arriving.
    public var maxBatchDelay: Duration = .milliseconds(50)
    /// Longest `connect` waits for the broker to accept the connection and subscriptions.
    public var connectTimeout: Duration = .seconds(10)
    /// Longest `disconnect` waits for outstanding publishes before sending DISCONNECT.
    public var disconnectTimeout: Duration = .seconds(5)
    /// Reconnect backoff: first delay, doubled per failed attempt up to `reconnectMaxDelay`, with jitter.
    public var reconnectMinDelay: Duration = .milliseconds(500)
    public var reconnectMaxDelay: Duration = .seconds(30)

    private var statusTopicSetting: StatusTopicSetting = .derived

    private enum StatusTopicSetting: Sendable, Hashable {
        case derived
        case custom(String)
        case disabled
    }

    /// Where `online`/`offline` (retained, QoS 1) announce this client; `nil` disables birth and will.
    /// Default `telemetry-bridge/<clientID>/status`, following `clientID`.
    public var statusTopic: String? {
        get {
            switch statusTopicSetting {
            case .derived: return "telemetry-bridge/\(clientID)/status"
            case .custom(let topic): return topic
            case .disabled: return nil
            }
        }
        set {
            statusTopicSetting = newValue.map { .custom($0) } ?? .disabled
        }
    }

    /// Parses `mqtt://[user[:password]@]host[:port]` (port 1883) or `mqtts://…` (port 8883).
    public init(url: String) throws(MQTTError) {
        let tlsScheme: Bool
        var rest: Substring
        if url.hasPrefix("mqtt://") {
            tlsScheme = false
            rest = url.dropFirst("mqtt://".count)
        } else if url.hasPrefix("mqtts://") {
            tlsScheme = true
            rest = url.dropFirst("mqtts://".count)
        } else {
            throw .invalidURL(url, reason: "the scheme must be mqtt:// or mqtts://")
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        if rest.contains("/") || rest.contains("?") || rest.contains("#") {
            throw .invalidURL(url, reason: "a path, query or fragment is not allowed")
        }

        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                username = try Self.percentDecoded(userInfo[..<colon], url: url)
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], url: url)
            } else {
                username = try Self.percentDecoded(userInfo, url: url)
            }
            if username?.isEmpty == true {
                throw .invalidURL(url, reason: "empty user name")
            }
        }

        var hostPart: Substring
        var portPart: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw .invalidURL(url, reason: "unterminated IPv6 address")
            }
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidURL(url, reason: "unexpected text after the host") }
                portPart = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            hostPart = rest[..<colon]
            portPart = rest[rest.index(after: colon)...]
        } else {
            hostPart = rest
        }
        if hostPart.isEmpty {
            throw .invalidURL(url, reason: "missing host")
        }
        var port = tlsScheme ? 8883 : 1883
        if let portPart {
            guard let value = Int(portPart), (1...65535).contains(value) else {
                throw .invalidURL(url, reason: "the port must be a number from 1 to 65535")
            }
            port = value
        }

        self.host = String(hostPart)
        self.port = port
        self.tls = tlsScheme ? MQTTTLS() : nil
        self.username = username
        self.password = password
        self.clientID = "telemetry-bridge-\(Self.hostName())"
    }

    /// Reads a password from a file, dropping the trailing newline editors add.
    ///
    /// Callers may equally take the password from an environment variable; either way, pass the
    /// result as `password` and never log it.
    public static func readPassword(file path: String) throws(MQTTError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .passwordFile(path: path, reason: (error as NSError).localizedDescription)
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw .passwordFile(path: path, reason: "not UTF-8 text")
        }
        if text.hasSuffix("\r\n") {
            text.removeLast(1)  // "\r\n" is one Character
        } else if text.hasSuffix("\n") {
            text.removeLast()
        }
        return text
    }

    public var description: String {
        var text = tls == nil ? "mqtt://" : "mqtts://"
        if let username {
            text += username
            if password != nil { text += ":***" }
            text += "@"
        } else if password != nil {
            text += ":***@"
        }
        text += host.contains(":") ? "[\(host)]" : host
        text += ":\(port) (client id \(clientID), \(protocolVersion), "
        text += cleanSession ? "clean session)" : "persistent session)"
        return text
    }

    /// Checks ranges libmosquitto would reject less clearly.
    func validate() throws(MQTTError) {
        if clientID.isEmpty || clientID.utf8.count > 65535 {
            throw .invalidConfiguration("the client id must be 1 to 65535 bytes")
        }
        if keepAlive != 0 && !(5...65535).contains(keepAlive) {
            throw .invalidConfiguration("keepAlive must be 0 or 5...65535 seconds")
        }
        if !(1...65535).contains(receiveMaximum) {
            throw .invalidConfiguration("receiveMaximum must be 1...65535")
        }
        if !(1...65535).contains(maxInflightOut) {
            throw .invalidConfiguration("maxInflightOut must be 1...65535")
        }
        if !(1...60000).contains(maxOutstandingPublishes) {
            throw .invalidConfiguration("maxOutstandingPublishes must be 1...60000 (packet identifiers are 16 bits)")
        }
        if maxBatch < 1 {
            throw .invalidConfiguration("maxBatch must be at least 1")
        }
        if reconnectMinDelay <= .zero || reconnectMaxDelay < reconnectMinDelay {
            throw .invalidConfiguration("reconnect delays must be positive with min <= max")
        }
        if let statusTopic {
            try TopicValidator.validateTopicName(statusTopic)
        }
    }

    private static func percentDecoded(_ text: Substring, url: String) throws(MQTTError) -> String {
        guard text.contains("%") else { return String(text) }
        guard let decoded = text.removingPercentEncoding else {
            throw .invalidURL(url, reason: "bad percent-encoding in the user information")
        }
        return decoded
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
