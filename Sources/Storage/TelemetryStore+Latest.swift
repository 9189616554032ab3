import GRDB

extension TelemetryStore {
    /// The last reading at or before `time` (ms, inclusive) of every series that has one, ordered
    /// by device then metric: the state of the fleet's values at `time`.
    ///
    /// Costs one index seek per series into the series-ordered table (one prepared statement,
    /// reused), then one backward scan of the time-ordered staging table from `time` that stops as
    /// soon as no series can still find a later reading there (every series either found, or its
    /// compacted reading newer than the scan; at most ``StoreConfiguration/compactionThreshold``
    /// rows), all in one read transaction: a consistent snapshot whatever the gap since a series
    /// last reported.
    public func latestReadings(at time: Int64) throws(StorageError) -> [LatestReading] {
        try read { db in
            let series = try Self.allSeries(db)
            var timestamps = [Int64](repeating: .min, count: series.count)
            var values = [Double](repeating: .nan, count: series.count)
            var found = [Bool](repeating: false, count: series.count)

            let seek = try RawStatement(db, sql: """
                SELECT ts, value FROM readings WHERE series_id = ?1 AND ts <= ?2 ORDER BY ts DESC LIMIT 1
                """)
            for position in series.indices {
                try seek.bind(1, series[position].id)
                try seek.bind(2, time)
                guard try seek.step() else { continue }
                found[position] = true
                timestamps[position] = seek.int64(0)
                values[position] = seek.double(1)
                seek.reset()
            }

            // Series by compacted timestamp, oldest first (none first): the scan may stop once it
            // is older than the oldest one not yet found in staging.
            let order = series.indices.sorted { timestamps[$0] < timestamps[$1] }
            var next = 0
            var inStaging = [Bool](repeating: false, count: series.count)
            let positions = SeriesPositions(series)
            let recent = try RawStatement(db, sql: """
                SELECT ts, series_id, value FROM recent_readings WHERE ts <= ?1 ORDER BY ts DESC, series_id DESC
                """)
            try recent.bind(1, time)
            while try recent.step() {
                let timestamp = recent.int64(0)
                while next < order.count, inStaging[order[next]] { next += 1 }
                guard next < order.count, timestamp >= timestamps[order[next]] else { break }
                guard let position = positions[recent.int64(1)], !inStaging[position] else { continue }
                inStaging[position] = true
                if timestamp > timestamps[position] {
                    found[position] = true
                    timestamps[position] = timestamp
                    values[position] = recent.double(2)
                }
            }
            recent.reset()

            var result: [LatestReading] = []
            result.reserveCapacity(series.count)
            for position in series.indices where found[position] {
                result.append(LatestReading(series: series[position], timestamp: timestamps[position], value: values[position]))
            }
            return result
        }
    }
}
