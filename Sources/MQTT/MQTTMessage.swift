/// A message received from the broker, copied out of libmosquitto.
public struct MQTTMessage: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    /// QoS the broker delivered with.
    public var qos: Int
    /// Set for retained messages sent on subscribe.
    public var retain: Bool
    /// MQTT packet identifier (0 for QoS 0). Not unique over time.
    public var messageID: Int
    /// Receive time, milliseconds since the Unix epoch.
    public var receivedAt: Int64

    public init(topic: String, payload: [UInt8], qos: Int, retain: Bool, messageID: Int, receivedAt: Int64) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.messageID = messageID
        self.receivedAt = receivedAt
    }
}
