/// A message as it came off the broker, owned by Swift (topic and payload already copied out of
/// the C library), stamped with the bridge's receive time in milliseconds since the epoch.
public struct InboundMessage: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    public var receivedAt: Int64

    public init(topic: String, payload: [UInt8], receivedAt: Int64) {
        self.topic = topic
        self.payload = payload
        self.receivedAt = receivedAt
    }
}
