/// One series' readings within a range, in time order: its compacted rows stepped from a
/// prepared statement, merged with its not yet compacted rows (read beforehand; the two are
/// disjoint). The cursor used by ``TelemetryStore/forEachReadingByDevice(from:to:devices:_:)``.
struct SeriesStream {
    let metric: String
    private let statement: RawStatement
    private let recent: [(timestamp: Int64, value: Double)]
    private var recentIndex = 0
    private var storedTimestamp: Int64 = 0
    private var storedValue: Double = 0
    private var hasStored = true

    /// The next reading's time and value; meaningful while `isDone` is false.
    private(set) var timestamp: Int64 = 0
    private(set) var value: Double = 0
    private(set) var isDone = false

    /// Starts the cursor: binds `statement` (`SELECT ts, value FROM readings WHERE series_id = ?1
    /// AND ts >= ?2 AND ts <= ?3 ORDER BY ts`) and positions on the first reading.
    init(
        metric: String, seriesID: Int64, bounds: (lower: Int64, upper: Int64),
        statement: RawStatement, recent: [(timestamp: Int64, value: Double)]
    ) throws {
        self.metric = metric
        self.statement = statement
        self.recent = recent
        try statement.bind(1, seriesID)
        try statement.bind(2, bounds.lower)
        try statement.bind(3, bounds.upper)
        try stepStored()
        try advance()
    }

    /// Moves to the next reading, or sets `isDone`.
    @inline(__always)
    mutating func advance() throws {
        if hasStored, recentIndex == recent.count || storedTimestamp < recent[recentIndex].timestamp {
            timestamp = storedTimestamp
            value = storedValue
            try stepStored()
        } else if recentIndex < recent.count {
            timestamp = recent[recentIndex].timestamp
            value = recent[recentIndex].value
            recentIndex += 1
        } else {
            isDone = true
        }
    }

    @inline(__always)
    private mutating func stepStored() throws {
        guard hasStored else { return }
        if try statement.step() {
            storedTimestamp = statement.int64(0)
            storedValue = statement.double(1)
        } else {
            hasStored = false
        }
    }

    /// Releases the statement when the stream is abandoned before its end.
    func cancel() {
        statement.reset()
    }
}
