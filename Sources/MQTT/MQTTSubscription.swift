/// A topic filter to subscribe to, renewed after every (re)connect.
public struct MQTTSubscription: Sendable, Hashable {
    /// Topic filter; `+` and `#` wildcards allowed as whole levels.
    public var filter: String
    /// Maximum QoS the broker should deliver with (0, 1 or 2). Use 1 for acknowledge-after-handling.
    public var qos: Int

    public init(filter: String, qos: Int = 1) {
        self.filter = filter
        self.qos = qos
    }

    public init(_ filter: String, qos: Int = 1) {
        self.init(filter: filter, qos: qos)
    }
}
