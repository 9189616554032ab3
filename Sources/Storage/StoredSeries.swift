/// A series row: one metric of one device.
public struct StoredSeries: Sendable, Hashable {
    public var id: Int64
    public var device: String
    public var metric: String
    public var unit: String?

    public init(id: Int64, device: String, metric: String, unit: String?) {
        self.id = id
        self.device = device
        self.metric = metric
        self.unit = unit
    }
}
