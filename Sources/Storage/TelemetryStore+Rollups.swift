import GRDB

extension TelemetryStore {
    /// Where ``series(device:metric:from:to:points:)`` reads from.
    enum SeriesSource: Equatable {
        case raw
        case rollup(RollupResolution)

        var milliseconds: Int64 {
            switch self {
            case .raw: 1
            case .rollup(let resolution): resolution.milliseconds
            }
        }
    }

    /// The stored rollup buckets of one series overlapping `[from, to)`, oldest first: every
    /// bucket whose start is in `[floor(from), to)` (so the first may start before `from`).
    /// Empty for an unknown series. Infinite readings are not part of rollups.
    public func rollups(
        device: String, metric: String, from: Int64, to: Int64, resolution: RollupResolution
    ) throws(StorageError) -> [RollupBucket] {
        guard from < to else { return [] }
        return try read { db in
            guard let id = try Self.seriesID(db, device: device, metric: metric) else { return [] }
            var result: [RollupBucket] = []
            try Self.forEachRollup(db, series: id, from: from, to: to, resolution: resolution) { start, cell in
                result.append(cell.bucket(start: start))
            }
            return result
        }
    }

    /// One series over `[from, to)` as at most `points` buckets (min/max/avg/count each): what a
    /// chart of `points` pixel columns draws. Output buckets are `width` ms wide from `from`,
    /// with `width` the range divided by `points`, rounded up to the source's resolution; empty
    /// ones are omitted.
    ///
    /// The source is the coarsest one no wider than an output bucket: hour rollups when a
    /// bucket spans an hour or more, minute rollups when it spans a minute or more, raw
    /// readings otherwise. So a year of one series reads ~8,760 hour rows whatever is stored.
    /// Rollup buckets are whole: one overlapping `from` counts in the first output bucket.
    /// Retention should keep hours at least as long as minutes, and minutes as long as raw.
    public func series(
        device: String, metric: String, from: Int64, to: Int64, points: Int
    ) throws(StorageError) -> [RollupBucket] {
        guard let source = Self.seriesSource(from: from, to: to, points: points) else { return [] }
        return try series(device: device, metric: metric, from: from, to: to, points: points, source: source)
    }

    /// The source ``series(device:metric:from:to:points:)`` reads for this range and point count,
    /// nil when the range is empty.
    static func seriesSource(from: Int64, to: Int64, points: Int) -> SeriesSource? {
        guard points > 0, from < to else { return nil }
        let (range, overflow) = to.subtractingReportingOverflow(from)
        let width = overflow ? Int64.max : range / Int64(points) + (range % Int64(points) == 0 ? 0 : 1)
        if width >= RollupResolution.hour.milliseconds { return .rollup(.hour) }
        if width >= RollupResolution.minute.milliseconds { return .rollup(.minute) }
        return .raw
    }

    func series(
        device: String, metric: String, from: Int64, to: Int64, points: Int, source: SeriesSource
    ) throws(StorageError) -> [RollupBucket] {
        guard points > 0, from < to else { return [] }
        let (range, overflow) = to.subtractingReportingOverflow(from)
        guard !overflow else { return [] }
        let perPoint = range / Int64(points) + (range % Int64(points) == 0 ? 0 : 1)
        let width = RollupResolution.roundUp(perPoint, toMultipleOf: source.milliseconds)
        return try read { db in
            guard let id = try Self.seriesID(db, device: device, metric: metric) else { return [] }
            var downsampler = SeriesDownsampler(from: from, width: width, points: points)
            switch source {
            case .raw:
                let statement = try RawStatement(db, sql: """
                    SELECT ts, value FROM readings WHERE series_id = ?1 AND ts >= ?2 AND ts < ?3
                    UNION ALL
                    SELECT ts, value FROM recent_readings WHERE series_id = ?1 AND ts >= ?2 AND ts < ?3
                    ORDER BY 1
                    """)
                try statement.bind(1, id)
                try statement.bind(2, from)
                try statement.bind(3, to)
                while try statement.step() {
                    let value = statement.double(1)
                    guard value.isFinite else { continue }
                    downsampler.add(start: statement.int64(0), RollupCell(value))
                }
            case .rollup(let resolution):
                try Self.forEachRollup(db, series: id, from: from, to: to, resolution: resolution) { start, cell in
                    downsampler.add(start: start, cell)
                }
            }
            return downsampler.finish()
        }
    }

    static func seriesID(_ db: Database, device: String, metric: String) throws -> Int64? {
        let statement = try RawStatement(db, sql: "SELECT id FROM series WHERE device = ? AND metric = ?")
        try statement.bind(1, device)
        try statement.bind(2, metric)
        guard try statement.step() else { return nil }
        defer { statement.reset() }
        return statement.int64(0)
    }

    /// Stored rollups of one series plus, on the fly, the readings not compacted yet (they are
    /// rolled up when they are compacted: see `BatchWriter.compact`), in bucket order.
    private static func forEachRollup(
        _ db: Database, series id: Int64, from: Int64, to: Int64, resolution: RollupResolution,
        _ body: (Int64, RollupCell) -> Void
    ) throws {
        let first = resolution.bucket(of: from)
        var cells: [Int64: RollupCell] = [:]
        let stored = try RawStatement(db, sql: """
            SELECT bucket, count, sum, min, max FROM \(resolution.table)
            WHERE series_id = ?1 AND bucket >= ?2 AND bucket < ?3
            """)
        try stored.bind(1, id)
        try stored.bind(2, first)
        try stored.bind(3, to)
        while try stored.step() {
            cells[stored.int64(0)] = RollupCell(
                count: stored.int64(1), sum: stored.double(2), min: stored.double(3), max: stored.double(4))
        }
        let width = resolution.milliseconds
        let recent = try RawStatement(db, sql: """
            SELECT ts - ((ts % ?4) + ?4) % ?4 AS bucket, count(*), sum(value), min(value), max(value)
            FROM recent_readings WHERE series_id = ?1 AND ts >= ?2 AND ts < ?3 AND abs(value) < 9e999
            GROUP BY bucket
            """)
        try recent.bind(1, id)
        try recent.bind(2, first)
        try recent.bind(3, to)
        try recent.bind(4, width)
        while try recent.step() {
            let cell = RollupCell(count: recent.int64(1), sum: recent.double(2), min: recent.double(3), max: recent.double(4))
            cells[recent.int64(0), default: RollupCell(count: 0, sum: 0, min: .infinity, max: -.infinity)].merge(cell)
        }
        for bucket in cells.keys.sorted() {
            if let cell = cells[bucket] { body(bucket, cell) }
        }
    }
}
