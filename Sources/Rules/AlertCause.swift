/// The reading that made an alert's condition hold: its MQTT topic (when the daemon passed it)
/// and its event time.
public struct AlertCause: Sendable, Hashable, Codable {
    public var topic: String?
    public var at: Int64

    public init(topic: String?, at: Int64) {
        self.topic = topic
        self.at = at
    }
}
