/// A message as it came off the broker, owned by Swift (topic and payload already copied out of
/// the C library), stamped with the bridge's receive time in milliseconds since the epoch.
public struct InboundMessage: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    public var receivedAt: Int64
    /// MQTT 5 correlation data and trace context, when the message carried them.
    public var trace: MessageTrace?

    public init(topic: String, payload: [UInt8], receivedAt: Int64, trace: MessageTrace? = nil) {
        self.topic = topic
        self.payload = payload
        self.receivedAt = receivedAt
        self.trace = trace
    }
}
