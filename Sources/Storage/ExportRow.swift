/// One stored reading with its series and device context, as exports and replays see it.
public struct ExportRow: Sendable, Hashable {
    public var device: String
    public var deviceType: String
    public var metric: String
    public var unit: String?
    /// Event time, ms since the epoch (UTC).
    public var timestamp: Int64
    public var value: Double
    public var labels: [String: String]

    public init(
        device: String, deviceType: String, metric: String, unit: String?,
        timestamp: Int64, value: Double, labels: [String: String]
    ) {
        self.device = device
        self.deviceType = deviceType
        self.metric = metric
        self.unit = unit
        self.timestamp = timestamp
        self.value = value
        self.labels = labels
    }
}
