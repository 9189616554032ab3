/// Merges time-ordered cells (readings or rollup buckets) into at most `points` output buckets of
/// `width` ms starting at `from`, for chart series.
struct SeriesDownsampler {
    private let from: Int64
    private let width: Int64
    private var index: Int64 = -1
    private var cell = RollupCell(count: 0, sum: 0, min: .infinity, max: -.infinity)
    private(set) var buckets: [RollupBucket] = []

    init(from: Int64, width: Int64, points: Int) {
        self.from = from
        self.width = width
        buckets.reserveCapacity(min(points, 4096))
    }

    /// Adds a cell starting at `start` (≥ the previous one's). A cell starting before `from` (a
    /// rollup bucket overlapping the range's start) goes into the first output bucket.
    @inline(__always)
    mutating func add(start: Int64, _ other: RollupCell) {
        let target = start <= from ? 0 : (start - from) / width
        if target != index {
            flush()
            index = target
        }
        cell.merge(other)
    }

    mutating func finish() -> [RollupBucket] {
        flush()
        return buckets
    }

    private mutating func flush() {
        guard cell.count > 0 else { return }
        buckets.append(cell.bucket(start: from + index * width))
        cell = RollupCell(count: 0, sum: 0, min: .infinity, max: -.infinity)
    }
}
