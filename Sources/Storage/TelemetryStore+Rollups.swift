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
    /// bucket whose start is in `[floor(from), to)` (so the first may start before `from`, and the
    /// last may end after `to`: buckets are whole). Empty for an unknown series. Infinite readings
    /// are not part of rollups.
    public func rollups(
        device: String, metric: String, from: Int64, to: Int64, resolution: RollupResolution
    ) throws(StorageError) -> [RollupBucket] {
        guard from < to else { return [] }
        return try read { db in
            guard let id = try Self.seriesID(db, device: device, metric: metric) else { return [] }
            let recent = try Self.recentCells(db, series: id, from: from, to: to, resolution: resolution)
            var result: [RollupBucket] = []
            try Self.forEachRollup(db, series: id, from: from, to: to, resolution: resolution, recent: recent[id] ?? [:]) {
                result.append($1.bucket(start: $0))
            }
            return result
        }
    }

    /// ``rollups(device:metric:from:to:resolution:)`` of every series at once, keyed by
    /// ``StoredSeries/id`` (series with no bucket in the range are absent): e.g. a sparkline per
    /// series for a fleet view. One read transaction; one index range per series plus one scan of
    /// the not yet compacted readings in the range for all series together.
    func rollups(from: Int64, to: Int64, resolution: RollupResolution) throws(StorageError) -> [Int64: [RollupBucket]] {
        guard from < to else { return [:] }
        return try read { db in
            var recent = try Self.recentCells(db, series: nil, from: from, to: to, resolution: resolution)
            var result: [Int64: [RollupBucket]] = [:]
            for series in try Self.allSeries(db) {
                var buckets: [RollupBucket] = []
                let cells = recent.removeValue(forKey: series.id) ?? [:]
                try Self.forEachRollup(db, series: series.id, from: from, to: to, resolution: resolution, recent: cells) {
                    buckets.append($1.bucket(start: $0))
                }
                if !buckets.isEmpty { result[series.id] = buckets }
            }
            return result
        }
    }

    /// One series over `[from, to)` as at most `points` buckets (min/max/avg/count each): what a
    /// chart of `points` pixel columns draws. Output buckets are `width` ms wide on a grid that
    /// starts at `from` floored to the source's resolution, with `width` that aligned range
    /// divided by `points`, rounded up to the resolution: so every output bucket holds the same
    /// number of source buckets wherever `from` falls. Empty ones are omitted.
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
        let resolution = source.milliseconds
        let origin = RollupResolution.floor(from, to: resolution)
        let (end, endOverflow) = RollupResolution.floor(to - 1, to: resolution).addingReportingOverflow(resolution)
        let (range, overflow) = (endOverflow ? .max : end).subtractingReportingOverflow(origin)
        guard !overflow else { return [] }
        let perPoint = range / Int64(points) + (range % Int64(points) == 0 ? 0 : 1)
        let width = RollupResolution.roundUp(perPoint, toMultipleOf: resolution)
        return try read { db in
            guard let id = try Self.seriesID(db, device: device, metric: metric) else { return [] }
            var downsampler = SeriesDownsampler(from: origin, width: width, points: points)
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
                let recent = try Self.recentCells(db, series: id, from: from, to: to, resolution: resolution)
                try Self.forEachRollup(db, series: id, from: from, to: to, resolution: resolution, recent: recent[id] ?? [:]) {
                    downsampler.add(start: $0, $1)
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

    /// Stored rollups of one series whose bucket starts in `[floor(from), to)`, merged with
    /// `recent` (the same buckets of the readings not compacted yet, from ``recentCells``), in
    /// bucket order.
    private static func forEachRollup(
        _ db: Database, series id: Int64, from: Int64, to: Int64, resolution: RollupResolution,
        recent: [Int64: RollupCell], _ body: (Int64, RollupCell) -> Void
    ) throws {
        var cells = recent
        let stored = try RawStatement(db, sql: """
            SELECT bucket, count, sum, min, max FROM \(resolution.table)
            WHERE series_id = ?1 AND bucket >= ?2 AND bucket < ?3
            """)
        try stored.bind(1, id)
        try stored.bind(2, resolution.bucket(of: from))
        try stored.bind(3, to)
        while try stored.step() {
            let cell = RollupCell(count: stored.int64(1), sum: stored.double(2), min: stored.double(3), max: stored.double(4))
            cells[stored.int64(0), default: RollupCell(count: 0, sum: 0, min: .infinity, max: -.infinity)].merge(cell)
        }
        for bucket in cells.keys.sorted() {
            if let cell = cells[bucket] { body(bucket, cell) }
        }
    }

    /// The readings not compacted yet (they are rolled up when they are compacted: see
    /// `BatchWriter.compact`) as rollup cells, per series id then bucket start: the buckets that
    /// start in `[floor(from), to)`, whole. One scan of the time-ordered staging table, for one
    /// series or (`nil`) all of them, aggregated here in scan order (buckets only grow per series)
    /// rather than by a `GROUP BY`, whose sort cost tens of ms on a full staging table.
    static func recentCells(
        _ db: Database, series id: Int64?, from: Int64, to: Int64, resolution: RollupResolution
    ) throws -> [Int64: [Int64: RollupCell]] {
        let width = resolution.milliseconds
        let (end, overflow) = resolution.bucket(of: to - 1).addingReportingOverflow(width)
        let recent = try RawStatement(db, sql: """
            SELECT ts, series_id, value FROM recent_readings WHERE ts >= ?2 AND ts < ?3 AND (?1 IS NULL OR series_id = ?1)
            """)
        try recent.bind(1, id)
        try recent.bind(2, resolution.bucket(of: from))
        try recent.bind(3, overflow ? .max : end)
        var slots: [Int64: Int] = [:]
        var series: [Int64] = []
        var cells: [[(start: Int64, cell: RollupCell)]] = []
        while try recent.step() {
            let value = recent.double(2)
            guard value.isFinite else { continue }
            let start = resolution.bucket(of: recent.int64(0))
            let seriesID = recent.int64(1)
            let slot: Int
            if let known = slots[seriesID] {
                slot = known
            } else {
                slot = cells.count
                slots[seriesID] = slot
                series.append(seriesID)
                cells.append([])
            }
            if let last = cells[slot].indices.last, cells[slot][last].start == start {
                cells[slot][last].cell.add(value)
            } else {
                cells[slot].append((start, RollupCell(value)))
            }
        }
        var result: [Int64: [Int64: RollupCell]] = [:]
        result.reserveCapacity(series.count)
        for (slot, seriesID) in series.enumerated() {
            result[seriesID] = Dictionary(cells[slot].map { ($0.start, $0.cell) }, uniquingKeysWith: { a, b in
                var merged = a
                merged.merge(b)
                return merged
            })
        }
        return result
    }
}

extension TelemetryStore {
    /// A sparkline per series at `time`: hour buckets (or `resolution` ones) whose start is in
    /// `[floor(from), time]`, with nothing after `time` in them, keyed by ``StoredSeries/id`` (series
    /// without a reading in the range are absent). Whole buckets before the one holding `time` come
    /// from their rollups; that last one merges the minute rollups of the minutes wholly at or
    /// before `time` (the readings of `time`'s own minute are left out, so a view travelling back
    /// never shows what came after). One read transaction, as ``rollups(from:to:resolution:)``.
    public func sparklines(from: Int64, through time: Int64, resolution: RollupResolution = .hour) throws(StorageError) -> [Int64: [RollupBucket]] {
        guard from <= time else { return [:] }
        return try read { db in
            let series = try Self.allSeries(db)
            return try Self.sparklineTable(db, series: series, from: from, through: time, resolution: resolution)
                .dictionary(series: series)
        }
    }

    /// ``sparklines(from:through:resolution:)`` as one flat table: what a fleet view of thousands
    /// of series reads. Costs one scan of the not yet compacted readings in the range and one
    /// index range per series and table, through one prepared statement each.
    public func sparklineTable(from: Int64, through time: Int64, resolution: RollupResolution = .hour) throws(StorageError) -> SparklineTable {
        try read { db in
            let series = try Self.allSeries(db)
            guard from <= time else { return SparklineTable(series: []) }
            return try Self.sparklineTable(db, series: series, from: from, through: time, resolution: resolution)
        }
    }

    private static func sparklineTable(
        _ db: Database, series: [StoredSeries], from: Int64, through time: Int64, resolution: RollupResolution
    ) throws -> SparklineTable {
        let first = resolution.bucket(of: from)
        let current = resolution.bucket(of: time)
        // Minute buckets wholly at or before `time` are those starting before `partialEnd`.
        let minute = RollupResolution.minute
        let partialEnd: Int64
        if time == .max {
            partialEnd = time
        } else {
            let (end, overflow) = minute.bucket(of: time + 1).subtractingReportingOverflow(minute.milliseconds - 1)
            partialEnd = overflow ? .min : end
        }
        let hasWhole = current > first
        let hasPartial = resolution != .minute && partialEnd > current
        let positions = SeriesPositions(series)
        let whole = hasWhole
            ? try stagedCells(db, positions: positions, count: series.count, from: first, to: current, resolution: resolution) : []
        let partial = hasPartial
            ? try stagedCells(db, positions: positions, count: series.count, from: current, to: partialEnd, resolution: minute) : []
        let wholeRows = try RawStatement(db, sql: """
            SELECT bucket, count, sum, min, max FROM \(resolution.table)
            WHERE series_id = ?1 AND bucket >= ?2 AND bucket < ?3 ORDER BY bucket
            """)
        // Only read with `hasPartial`, so never the same (cached) statement as `wholeRows`.
        let partialRows = try RawStatement(db, sql: """
            SELECT bucket, count, sum, min, max FROM \(minute.table)
            WHERE series_id = ?1 AND bucket >= ?2 AND bucket < ?3 ORDER BY bucket
            """)
        var table = SparklineTable(series: series)
        if hasWhole {
            let (span, overflow) = current.subtractingReportingOverflow(first)
            if !overflow, span / resolution.milliseconds < 4096 {
                table.reserve(series.count * Int(span / resolution.milliseconds + 1))
            }
        }
        for (position, entry) in series.enumerated() {
            let start = table.buckets.count
            if hasWhole {
                try mergeRollups(wholeRows, series: entry.id, from: first, to: current, staged: whole[position]) {
                    table.append($1.bucket(start: $0))
                }
            }
            if hasPartial {
                var merged = RollupCell(count: 0, sum: 0, min: .infinity, max: -.infinity)
                try mergeRollups(partialRows, series: entry.id, from: current, to: partialEnd, staged: partial[position]) {
                    merged.merge($1)
                }
                if merged.count > 0 { table.append(merged.bucket(start: current)) }
            }
            table.endSeries(from: start)
        }
        return table
    }

    /// The stored rollups of one series (`statement`: bucket, count, sum, min, max of a rollup
    /// table for ?1 series, ?2 ..< ?3 buckets, in bucket order) whose bucket starts in `[from, to)`
    /// (`from` a bucket start), merged
    /// with `staged` (the same buckets of the readings not compacted yet, oldest first), in
    /// bucket order: as `forEachRollup`, without a dictionary per series.
    private static func mergeRollups(
        _ statement: RawStatement, series id: Int64, from: Int64, to: Int64,
        staged: [(start: Int64, cell: RollupCell)], _ body: (Int64, RollupCell) -> Void
    ) throws {
        try statement.bind(1, id)
        try statement.bind(2, from)
        try statement.bind(3, to)
        var next = 0
        defer { statement.reset() }
        while try statement.step() {
            let bucket = statement.int64(0)
            while next < staged.count, staged[next].start < bucket {
                body(staged[next].start, staged[next].cell)
                next += 1
            }
            let stored = RollupCell(count: statement.int64(1), sum: statement.double(2), min: statement.double(3), max: statement.double(4))
            if next < staged.count, staged[next].start == bucket {
                var cell = staged[next].cell
                cell.merge(stored)
                body(bucket, cell)
                next += 1
            } else {
                var cell = RollupCell(count: 0, sum: 0, min: .infinity, max: -.infinity)
                cell.merge(stored)
                body(bucket, cell)
            }
        }
        while next < staged.count {
            body(staged[next].start, staged[next].cell)
            next += 1
        }
    }

    /// ``recentCells(_:series:from:to:resolution:)`` of every series, by position in the series
    /// list (`positions`): each series' cells oldest first, from one scan in time order.
    private static func stagedCells(
        _ db: Database, positions: SeriesPositions, count: Int, from: Int64, to: Int64, resolution: RollupResolution
    ) throws -> [[(start: Int64, cell: RollupCell)]] {
        let width = resolution.milliseconds
        let (end, overflow) = resolution.bucket(of: to - 1).addingReportingOverflow(width)
        let recent = try RawStatement(db, sql: """
            SELECT ts, series_id, value FROM recent_readings WHERE ts >= ?1 AND ts < ?2 ORDER BY ts
            """)
        try recent.bind(1, resolution.bucket(of: from))
        try recent.bind(2, overflow ? .max : end)
        defer { recent.reset() }
        var cells = [[(start: Int64, cell: RollupCell)]](repeating: [], count: count)
        while try recent.step() {
            let value = recent.double(2)
            guard value.isFinite, let position = positions[recent.int64(1)] else { continue }
            let start = resolution.bucket(of: recent.int64(0))
            if let last = cells[position].indices.last, cells[position][last].start == start {
                cells[position][last].cell.add(value)
            } else {
                cells[position].append((start, RollupCell(value)))
            }
        }
        return cells
    }
}
