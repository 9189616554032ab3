import GRDB
import Telemetry

extension TelemetryStore {
    /// Streams every reading in `[from, to)` of the selected devices to `body`, grouped by device
    /// (SQLite's binary order of ids) and, within a device, in event-time order across all its
    /// metrics (ties by metric name): the order a per-device rule engine needs to rebuild its
    /// state on restart, or to replay history.
    ///
    /// `devices` holds ids or glob patterns as in ``ReadingFilter/devices``; `nil` selects all.
    /// Memory does not grow with the range: each of a device's series is stepped through its own
    /// prepared statement and merged on the fly; only the not yet compacted readings in the range
    /// (at most about ``StoreConfiguration/compactionThreshold``) are read up front. Runs in one
    /// read transaction (a consistent snapshot) on a reader connection, never blocking ingest.
    ///
    /// - Returns: The number of readings passed to `body`.
    /// - Throws: ``StorageError`` for database failures; an error thrown by `body` stops the
    ///   walk and is rethrown unchanged.
    @discardableResult
    public func forEachReadingByDevice(
        from: Int64? = nil, to: Int64? = nil, devices: [String]? = nil, _ body: (Reading) throws -> Void
    ) throws -> Int {
        guard let bounds = Self.inclusiveBounds(from: from, to: to) else { return 0 }
        let path = self.path
        do {
            return try pool.read { db in
                let selected = try selectSeries(db, filter: ReadingFilter(devices: devices))
                guard !selected.isEmpty else { return 0 }
                var recent = try recentReadings(db, of: selected, bounds: bounds)
                var statements: [RawStatement] = []
                var count = 0
                var start = 0
                while start < selected.count {
                    var end = start + 1
                    while end < selected.count, selected[end].device == selected[start].device {
                        end += 1
                    }
                    while statements.count < end - start {
                        statements.append(try RawStatement(db, sql: """
                            SELECT /* stream \(statements.count) */ ts, value FROM readings
                            WHERE series_id = ?1 AND ts >= ?2 AND ts <= ?3 ORDER BY ts
                            """))
                    }
                    var streams: [SeriesStream] = []
                    streams.reserveCapacity(end - start)
                    for (offset, series) in selected[start..<end].enumerated() {
                        streams.append(try SeriesStream(
                            metric: series.metric, seriesID: series.id, bounds: bounds,
                            statement: statements[offset], recent: recent.removeValue(forKey: series.id) ?? []))
                    }
                    do {
                        count += try Self.merge(&streams, device: selected[start].device, body)
                    } catch {
                        for stream in streams { stream.cancel() }
                        throw error
                    }
                    start = end
                }
                return count
            }
        } catch let error as DatabaseError {
            throw StorageError(error, path: path)
        }
    }

    /// Emits the streams' readings in (timestamp, stream index) order; returns how many.
    private static func merge(_ streams: inout [SeriesStream], device: String, _ body: (Reading) throws -> Void) throws -> Int {
        var count = 0
        var reading = Reading(device: device, metric: "", timestamp: 0, value: 0)
        while true {
            // The earliest head; ties go to the lowest index (metrics are in name order).
            var best = -1
            var bestTimestamp = Int64.min
            for index in streams.indices where !streams[index].isDone {
                if best < 0 || streams[index].timestamp < bestTimestamp {
                    best = index
                    bestTimestamp = streams[index].timestamp
                }
            }
            guard best >= 0 else { return count }
            reading.metric = streams[best].metric
            reading.timestamp = bestTimestamp
            reading.value = streams[best].value
            try body(reading)
            count += 1
            try streams[best].advance()
        }
    }

    /// The latest stored reading time of every device that has readings, ms since the epoch: the
    /// per-device event-time watermarks to resume from.
    public func latestTimestamps() throws(StorageError) -> [String: Int64] {
        try read { db in
            var result: [String: Int64] = [:]
            // One index seek per series into the compacted table...
            let compacted = try RawStatement(db, sql: """
                SELECT device, (SELECT max(ts) FROM readings WHERE series_id = series.id) FROM series
                """)
            while try compacted.step() {
                guard let latest = compacted.optionalInt64(1) else { continue }
                let device = compacted.string(0)
                result[device] = max(result[device] ?? .min, latest)
            }
            // ...and one pass over the (bounded) recent table.
            let recent = try RawStatement(db, sql: """
                SELECT s.device, r.latest FROM (SELECT series_id, max(ts) AS latest FROM recent_readings GROUP BY series_id) AS r
                JOIN series AS s ON s.id = r.series_id
                """)
            while try recent.step() {
                let device = recent.string(0)
                let latest = recent.int64(1)
                result[device] = max(result[device] ?? .min, latest)
            }
            return result
        }
    }
}
