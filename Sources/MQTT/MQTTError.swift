#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything that can go wrong talking to a broker, with messages meant for operators.
///
/// libmosquitto's own `mosquitto_strerror` is unreliable in 2.0.11, so every code we can meet is
/// described here.
public enum MQTTError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The broker URL could not be understood.
    case invalidURL(String, reason: String)
    /// A configuration value is out of range or inconsistent.
    case invalidConfiguration(String)
    /// The password file could not be read.
    case passwordFile(path: String, reason: String)
    /// A topic name or filter is not acceptable for the operation.
    case invalidTopic(String, reason: String)
    /// The TCP connection could not be established.
    case connectionFailed(host: String, port: Int, reason: String)
    /// TLS setup or the TLS handshake failed (certificate, CA or key problems).
    case tls(String)
    /// The broker refused the user name or password (MQTT 3 return code 4, MQTT 5 reason 0x86).
    case badCredentials
    /// The broker refused the client as not authorized (MQTT 3 return code 5, MQTT 5 reason 0x87).
    case notAuthorized
    /// The broker refused the connection for another reason.
    case connectionRefused(code: Int, reason: String)
    /// Something did not happen in time.
    case timeout(String)
    /// The broker refused a subscription (SUBACK 0x80 or an MQTT 5 failure reason).
    case subscriptionRefused(topic: String)
    /// The connection to the broker was lost.
    case connectionLost(String)
    /// The message handler threw; the batch was not acknowledged and will be redelivered.
    case handlerFailed(String)
    /// A QoS 0 message cannot be sent while the client is not connected.
    case notConnected
    /// The client has been disconnected (or never connected) and accepts no more work.
    case closed
    /// The call is not valid in the client's current state.
    case invalidState(String)
    /// A libmosquitto call failed.
    case library(operation: String, code: Int32)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            return "invalid broker URL '\(url)': \(reason)"
        case .invalidConfiguration(let message):
            return "invalid MQTT configuration: \(message)"
        case .passwordFile(let path, let reason):
            return "cannot read the MQTT password file \(path): \(reason)"
        case .invalidTopic(let topic, let reason):
            return "invalid MQTT topic '\(topic)': \(reason)"
        case .connectionFailed(let host, let port, let reason):
            return "cannot connect to the MQTT broker at \(host):\(port): \(reason)"
        case .tls(let reason):
            return "TLS error: \(reason)"
        case .badCredentials:
            return "broker refused the connection: bad user name or password"
        case .notAuthorized:
            return "broker refused the connection: not authorized"
        case .connectionRefused(let code, let reason):
            return "broker refused the connection: \(reason) (code \(code))"
        case .timeout(let what):
            return "timed out: \(what)"
        case .subscriptionRefused(let topic):
            return "broker refused the subscription to '\(topic)'"
        case .connectionLost(let reason):
            return "connection to the broker lost: \(reason)"
        case .handlerFailed(let reason):
            return "message handler failed, batch not acknowledged: \(reason)"
        case .notConnected:
            return "not connected to the broker"
        case .closed:
            return "the MQTT client is disconnected"
        case .invalidState(let message):
            return message
        case .library(let operation, let code):
            return "\(operation) failed: \(MQTTError.describe(libraryCode: code))"
        }
    }

    /// Our own text for a `MOSQ_ERR_*` code.
    static func describe(libraryCode code: Int32) -> String {
        switch code {
        case -4: return "authentication continues"
        case -3: return "no subscribers"
        case -2: return "subscription already exists"
        case -1: return "connection pending"
        case 0: return "success"
        case 1: return "out of memory"
        case 2: return "protocol error"
        case 3: return "invalid arguments"
        case 4: return "not connected"
        case 5: return "connection refused"
        case 6: return "not found"
        case 7: return "connection lost"
        case 8: return "TLS error"
        case 9: return "payload too large"
        case 10: return "not supported"
        case 11: return "authentication failed"
        case 12: return "access denied by ACL"
        case 13: return "unknown error"
        case 14: return "system call failed"
        case 15: return "host name lookup failed"
        case 16: return "proxy error"
        case 17: return "plugin deferred"
        case 18: return "malformed UTF-8"
        case 19: return "keepalive timeout (no answer from the broker)"
        case 20: return "DNS lookup failed"
        case 21: return "malformed packet"
        case 22: return "duplicate property"
        case 23: return "TLS handshake failed"
        case 24: return "QoS not supported by the broker"
        case 25: return "packet larger than the broker accepts"
        case 26: return "OCSP error"
        case 27: return "timeout"
        case 28: return "retain not supported by the broker"
        case 29: return "invalid topic alias"
        case 30: return "administrative action"
        case 31: return "already exists"
        default: return "libmosquitto error \(code)"
        }
    }

    /// The error for a refused CONNACK.
    static func connackRefusal(code: Int, protocolVersion: MQTTProtocolVersion) -> MQTTError {
        switch protocolVersion {
        case .v311:
            switch code {
            case 1: return .connectionRefused(code: code, reason: "unacceptable protocol version")
            case 2: return .connectionRefused(code: code, reason: "client identifier rejected")
            case 3: return .connectionRefused(code: code, reason: "server unavailable")
            case 4: return .badCredentials
            case 5: return .notAuthorized
            default: return .connectionRefused(code: code, reason: "unknown return code")
            }
        case .v5:
            switch code {
            case 0x86: return .badCredentials
            case 0x87: return .notAuthorized
            default: return .connectionRefused(code: code, reason: describe(reasonCode: code))
            }
        }
    }

    /// Our own text for an MQTT 5 reason code.
    static func describe(reasonCode code: Int) -> String {
        switch code {
        case 0x80: return "unspecified error"
        case 0x81: return "malformed packet"
        case 0x82: return "protocol error"
        case 0x83: return "implementation specific error"
        case 0x84: return "unsupported protocol version"
        case 0x85: return "client identifier not valid"
        case 0x86: return "bad user name or password"
        case 0x87: return "not authorized"
        case 0x88: return "server unavailable"
        case 0x89: return "server busy"
        case 0x8A: return "banned"
        case 0x8C: return "bad authentication method"
        case 0x90: return "topic name invalid"
        case 0x95: return "packet too large"
        case 0x97: return "quota exceeded"
        case 0x99: return "payload format invalid"
        case 0x9A: return "retain not supported"
        case 0x9B: return "QoS not supported"
        case 0x9C: return "use another server"
        case 0x9D: return "server moved"
        case 0x9F: return "connection rate exceeded"
        default: return "reason code 0x\(String(code, radix: 16))"
        }
    }

    /// Text for an `errno` value.
    static func describe(errno value: Int32) -> String {
        guard let text = strerror(value) else { return "errno \(value)" }
        return String(cString: text)
    }
}
