/// "I have seen alert `alert` of `device`": what `alerts ack`, the MQTT command and the
/// dashboard's button ask for.
public struct AcknowledgeRequest: Sendable, Hashable {
    public var alert: String
    public var device: String
    public var by: String
    public var comment: String

    public init(alert: String, device: String, by: String, comment: String = "") {
        self.alert = alert
        self.device = device
        self.by = by
        self.comment = comment
    }
}
