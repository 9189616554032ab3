/// The last reading of one series at or before some moment: what a fleet view shows as the
/// series' current value when travelling back in time.
public struct LatestReading: Sendable, Hashable {
    public var series: StoredSeries
    /// Event time, ms since the epoch.
    public var timestamp: Int64
    /// As stored: may be infinite (non-finite readings are kept raw).
    public var value: Double

    public init(series: StoredSeries, timestamp: Int64, value: Double) {
        self.series = series
        self.timestamp = timestamp
        self.value = value
    }
}
