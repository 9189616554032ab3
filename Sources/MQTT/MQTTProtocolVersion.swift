/// The MQTT protocol version spoken to the broker.
public enum MQTTProtocolVersion: Sendable, Hashable, CustomStringConvertible {
    /// MQTT 3.1.1.
    case v311
    /// MQTT 5: session expiry and receive maximum are sent as CONNECT properties.
    case v5

    public var description: String {
        switch self {
        case .v311: return "MQTT 3.1.1"
        case .v5: return "MQTT 5"
        }
    }

    var libraryValue: Int32 {
        switch self {
        case .v311: return 4
        case .v5: return 5
        }
    }
}
