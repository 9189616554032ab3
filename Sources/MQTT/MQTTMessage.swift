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
    /// MQTT 5 correlation data (at most ``maximumPropertyBytes``; longer is dropped).
    public var correlationData: [UInt8]?
    /// MQTT 5 user properties, in order (at most ``maximumUserProperties``, each name and value at
    /// most ``maximumPropertyBytes``; the rest is dropped).
    public var userProperties: [MQTTPublishProperties.UserProperty]

    /// Bounds on the properties copied out of a message: a publisher cannot make the bridge hold more.
    public static let maximumPropertyBytes = 1024
    public static let maximumUserProperties = 16

    public init(topic: String, payload: [UInt8], qos: Int, retain: Bool, messageID: Int, receivedAt: Int64,
                correlationData: [UInt8]? = nil, userProperties: [MQTTPublishProperties.UserProperty] = []) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.messageID = messageID
        self.receivedAt = receivedAt
        self.correlationData = correlationData
        self.userProperties = userProperties
    }

    /// The first user property named `name`.
    public func userProperty(_ name: String) -> String? {
        userProperties.first { $0.name == name }?.value
    }
}
