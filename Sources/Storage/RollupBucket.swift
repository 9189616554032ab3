/// The aggregate of one series' readings over one time bucket: what charts draw (a min/max band
/// and an average line per pixel column).
public struct RollupBucket: Sendable, Hashable {
    /// Start of the bucket, in milliseconds since the epoch.
    public var start: Int64
    /// Number of readings aggregated (at least 1: empty buckets are not returned).
    public var count: Int
    public var min: Double
    public var max: Double
    /// The mean of the readings (sum / count).
    public var avg: Double

    public init(start: Int64, count: Int, min: Double, max: Double, avg: Double) {
        self.start = start
        self.count = count
        self.min = min
        self.max = max
        self.avg = avg
    }
}
