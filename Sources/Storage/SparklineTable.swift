/// The sparklines of every series at one time, flat: ``TelemetryStore/sparklineTable(from:through:resolution:)``.
/// One array of buckets for the whole fleet (series after series, each oldest first) rather than
/// an array per series, so a fleet view of thousands of series allocates once.
public struct SparklineTable: Sendable {
    /// Every series' buckets, series after series.
    public private(set) var buckets: [RollupBucket] = []
    private var ranges: [Range<Int>] = []
    private let positions: SeriesPositions

    init(series: [StoredSeries]) {
        positions = SeriesPositions(series)
        ranges.reserveCapacity(series.count)
    }

    /// The buckets of the series with this ``StoredSeries/id``, oldest first; empty for a series
    /// without a reading in the range (or unknown).
    public func buckets(of seriesID: Int64) -> ArraySlice<RollupBucket> {
        guard let position = positions[seriesID], position < ranges.count else { return [] }
        return buckets[ranges[position]]
    }

    /// Every series with at least one bucket, keyed by id: the shape of ``TelemetryStore/sparklines(from:through:resolution:)``.
    func dictionary(series: [StoredSeries]) -> [Int64: [RollupBucket]] {
        var result: [Int64: [RollupBucket]] = [:]
        for (position, entry) in series.enumerated() where position < ranges.count && !ranges[position].isEmpty {
            result[entry.id] = Array(buckets[ranges[position]])
        }
        return result
    }

    /// Ends the current series (the next one's buckets start after this call).
    mutating func endSeries(from start: Int) {
        ranges.append(start..<buckets.count)
    }

    mutating func append(_ bucket: RollupBucket) {
        buckets.append(bucket)
    }

    mutating func reserve(_ count: Int) {
        buckets.reserveCapacity(count)
    }
}
