/// One (device, metric) series of a report, downsampled into equal time buckets: per bucket the
/// minimum, maximum and mean, so a chart costs the same for an hour or a year.
struct ReportSeries {
    let start: Int64
    let bucketWidth: Double
    private(set) var minimum: [Double]
    private(set) var maximum: [Double]
    private(set) var sum: [Double]
    private(set) var count: [Int]
    private(set) var readings = 0
    private(set) var low = Double.infinity
    private(set) var high = -Double.infinity

    init(start: Int64, end: Int64, buckets: Int) {
        self.start = start
        bucketWidth = max(1, Double(end) - Double(start)) / Double(buckets)
        minimum = Array(repeating: .infinity, count: buckets)
        maximum = Array(repeating: -.infinity, count: buckets)
        sum = Array(repeating: 0, count: buckets)
        count = Array(repeating: 0, count: buckets)
    }

    var buckets: Int { count.count }

    mutating func add(timestamp: Int64, value: Double) {
        guard value.isFinite else { return }
        let index = min(buckets - 1, max(0, Int((Double(timestamp) - Double(start)) / bucketWidth)))
        minimum[index] = Swift.min(minimum[index], value)
        maximum[index] = Swift.max(maximum[index], value)
        sum[index] += value
        count[index] += 1
        readings += 1
        low = Swift.min(low, value)
        high = Swift.max(high, value)
    }

    func mean(_ index: Int) -> Double? {
        count[index] > 0 ? sum[index] / Double(count[index]) : nil
    }
}
