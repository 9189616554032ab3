/// One measured value of one metric of one device at one moment: the immutable event
/// everything else (storage, rules, dashboards) is derived from.
///
/// Time is event time in milliseconds since the Unix epoch (UTC): the sensor's own timestamp
/// when the payload carries one, the bridge's receive time otherwise. The identity of a reading
/// is `(device, metric, timestamp)`: storing the same identity twice keeps the first value, which
/// is what makes QoS 1 redelivery and replays idempotent.
public struct Reading: Sendable, Hashable {
    public var device: String
    public var metric: String
    public var timestamp: Int64
    public var value: Double

    public init(device: String, metric: String, timestamp: Int64, value: Double) {
        self.device = device
        self.metric = metric
        self.timestamp = timestamp
        self.value = value
    }
}
