/// The identity of a series: one metric of one device.
public struct SeriesKey: Sendable, Hashable {
    public var device: String
    public var metric: String

    public init(device: String, metric: String) {
        self.device = device
        self.metric = metric
    }
}
