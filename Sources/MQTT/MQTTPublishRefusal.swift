import CMosquitto

/// A publish the broker acknowledged with an MQTT 5 error reason code (0x80 and above): it was
/// received and dropped, e.g. because an ACL denies the topic. An MQTT 3.1.1 broker cannot say.
public struct MQTTPublishRefusal: Sendable, Hashable, CustomStringConvertible {
    /// What ``MQTTClient/publish(topic:payload:qos:retain:properties:)`` returned for it.
    public var publish: MQTTPublishID
    public var reasonCode: Int

    public init(publish: MQTTPublishID, reasonCode: Int) {
        self.publish = publish
        self.reasonCode = reasonCode
    }

    /// `0x87 Not authorized`: the code in hex and libmosquitto's name for it.
    public var description: String {
        let hex = String(reasonCode, radix: 16, uppercase: false)
        let name = mosquitto_reason_string(Int32(clamping: reasonCode)).map { String(cString: $0) } ?? "unknown reason"
        return "0x" + (hex.count < 2 ? "0" + hex : hex) + " " + name
    }
}

/// Identifies one publish of a client (increasing in publish order), to match refusals.
public struct MQTTPublishID: Sendable, Hashable, Comparable {
    public var rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public static func < (lhs: MQTTPublishID, rhs: MQTTPublishID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
