import GRDB

extension TelemetryStore {
    /// Rows deleted per write transaction by ``applyRetention(_:now:)``.
    static let retentionChunkSize = 10_000

    /// Deletes what `policy` no longer keeps, relative to `now` (ms since the epoch), with
    /// cutoff = now − keep per table:
    /// - a raw reading is deleted when its timestamp is < cutoff (one exactly at the cutoff is kept);
    /// - a rollup bucket is deleted when it ends at or before the cutoff (start + width ≤ cutoff),
    ///   so a bucket still holding kept time is kept whole.
    ///
    /// Works in transactions of at most 10,000 deleted rows, taking the writer lock for each one
    /// only, so a concurrent ``write(_:)`` waits for at most one chunk. Meant to be called from a
    /// background timer; dead letters and alerts are not touched. Rollups are independent of raw
    /// readings: deleting readings does not change them (readings not rolled up yet are compacted,
    /// and so rolled up, before any is deleted).
    public func applyRetention(_ policy: RetentionPolicy, now: Int64) throws(StorageError) -> RetentionOutcome {
        try applyRetention(policy, now: now, chunkSize: Self.retentionChunkSize) { _ in }
    }

    /// ``applyRetention(_:now:)`` with a chunk size, calling `betweenChunks` (outside the writer
    /// lock) with the rows each committed chunk deleted.
    func applyRetention(
        _ policy: RetentionPolicy, now: Int64, chunkSize: Int, betweenChunks: (Int) throws -> Void
    ) throws(StorageError) -> RetentionOutcome {
        let chunkSize = max(1, chunkSize)
        var outcome = RetentionOutcome()
        let seriesIDs = try read { db in try Int64.fetchAll(db, sql: "SELECT id FROM series ORDER BY id") }
        do {
            // Readings still in the staging table are not rolled up yet: compact them (which rolls
            // them up) before retention looks at readings or rollups of their time, or raw
            // deletion would lose them from the rollups and rollup deletion would miss them.
            let cutoffs = [policy.raw, policy.minute, policy.hour].compactMap { $0.map { Self.cutoff(now: now, keep: $0) } }
            if let latest = cutoffs.max() {
                _ = try retentionChunk { db, state in
                    guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM recent_readings WHERE ts < ?)",
                                            arguments: [latest]) ?? false else { return 0 }
                    try BatchWriter.compact(db)
                    state.didCompact()
                    return 0
                }
            }
            if let keep = policy.raw {
                let cutoff = Self.cutoff(now: now, keep: keep)
                outcome.readings += try deleteRecent(before: cutoff, chunkSize: chunkSize, outcome: &outcome, betweenChunks)
                outcome.readings += try deletePerSeries(
                    table: "readings", column: "ts", before: cutoff, series: seriesIDs,
                    chunkSize: chunkSize, outcome: &outcome, betweenChunks)
            }
            for resolution in RollupResolution.allCases {
                guard let keep = resolution == .minute ? policy.minute : policy.hour else { continue }
                // start + width <= cutoff  <=>  start < cutoff - width + 1
                let (limit, overflow) = Self.cutoff(now: now, keep: keep).subtractingReportingOverflow(resolution.milliseconds - 1)
                guard !overflow else { continue }
                let deleted = try deletePerSeries(
                    table: resolution.table, column: "bucket", before: limit, series: seriesIDs,
                    chunkSize: chunkSize, outcome: &outcome, betweenChunks)
                if resolution == .minute { outcome.minuteRollups += deleted } else { outcome.hourRollups += deleted }
            }
        } catch {
            throw StorageError(error, path: path)
        }
        return outcome
    }

    private static func cutoff(now: Int64, keep: Int64) -> Int64 {
        let (cutoff, overflow) = now.subtractingReportingOverflow(max(0, keep))
        return overflow ? .min : cutoff
    }

    /// Runs `body` as one write transaction under the writer lock, dropping the writer caches if it fails.
    private func retentionChunk(_ body: (Database, inout WriterState) throws -> Int) throws -> Int {
        try writerState.withLock { state in
            do {
                return try pool.write { db in try body(db, &state) }
            } catch {
                state = WriterState()
                throw error
            }
        }
    }

    /// `recent_readings` is clustered by time: each chunk is the oldest rows.
    private func deleteRecent(
        before cutoff: Int64, chunkSize: Int, outcome: inout RetentionOutcome, _ betweenChunks: (Int) throws -> Void
    ) throws -> Int {
        var total = 0
        while true {
            let deleted = try retentionChunk { db, state in
                let statement = try RawStatement(db, sql: """
                    DELETE FROM recent_readings WHERE (ts, series_id) IN
                    (SELECT ts, series_id FROM recent_readings WHERE ts < ?1 ORDER BY ts LIMIT ?2)
                    """)
                try statement.bind(1, cutoff)
                try statement.bind(2, Int64(chunkSize))
                let deleted = try statement.execute()
                state.recentCount = max(0, state.recentCount - deleted)
                return deleted
            }
            outcome.transactions += 1
            total += deleted
            try betweenChunks(deleted)
            if deleted < chunkSize { return total }
        }
    }

    /// Tables clustered by (series, time): each chunk walks series in id order, deleting each
    /// one's old rows until `chunkSize` rows are gone or `chunkSize` series were visited.
    private func deletePerSeries(
        table: String, column: String, before limit: Int64, series: [Int64],
        chunkSize: Int, outcome: inout RetentionOutcome, _ betweenChunks: (Int) throws -> Void
    ) throws -> Int {
        var total = 0
        var next = 0
        while next < series.count {
            let deleted = try retentionChunk { db, _ in
                let statement = try RawStatement(db, sql: """
                    DELETE FROM \(table) WHERE series_id = ?1 AND \(column) IN
                    (SELECT \(column) FROM \(table) WHERE series_id = ?1 AND \(column) < ?2 ORDER BY \(column) LIMIT ?3)
                    """)
                var deleted = 0
                var visited = 0
                while next < series.count, deleted < chunkSize, visited < chunkSize {
                    let budget = chunkSize - deleted
                    try statement.bind(1, series[next])
                    try statement.bind(2, limit)
                    try statement.bind(3, Int64(budget))
                    let count = try statement.execute()
                    deleted += count
                    visited += 1
                    if count < budget { next += 1 }
                }
                return deleted
            }
            outcome.transactions += 1
            total += deleted
            try betweenChunks(deleted)
        }
        return total
    }
}
