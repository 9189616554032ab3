import GRDB

/// The alert log as a transactional outbox. Events are committed with the readings that caused
/// them; each sink keeps a durable cursor, moved only after the sink confirmed delivery, so a
/// restart resumes where confirmation stopped and every event is delivered at least once.
extension TelemetryStore {
    /// The sink's cursor: the sequence of the last event it confirmed; nil for an unknown sink.
    public func deliveryCursor(sink: String) throws(StorageError) -> Int64? {
        try read { db in try Int64.fetchOne(db, sql: "SELECT delivered FROM alert_deliveries WHERE sink = ?", arguments: [sink]) }
    }

    /// Registers `sink` if it is new and returns its cursor. A new sink starts after the events
    /// already in the log (`fromStart` false: they happened before it was configured) or before
    /// the first one (`fromStart` true).
    @discardableResult
    public func registerSink(_ sink: String, fromStart: Bool = false, at time: Int64) throws(StorageError) -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO alert_deliveries(sink, delivered, updated_at)
                VALUES (?1, CASE WHEN ?2 THEN 0 ELSE (SELECT coalesce(max(rowid), 0) FROM alerts) END, ?3)
                ON CONFLICT(sink) DO NOTHING
                """, arguments: [sink, fromStart, time])
            return try Int64.fetchOne(db, sql: "SELECT delivered FROM alert_deliveries WHERE sink = ?", arguments: [sink]) ?? 0
        }
    }

    /// Moves the sink's cursor forward to `sequence` (never back: confirmations may arrive out of
    /// order or twice). Returns the cursor after the call.
    @discardableResult
    public func advanceDeliveryCursor(sink: String, to sequence: Int64, at time: Int64) throws(StorageError) -> Int64 {
        try write { db in
            try db.execute(sql: """
                UPDATE alert_deliveries SET delivered = max(delivered, ?2), updated_at = ?3 WHERE sink = ?1
                """, arguments: [sink, sequence, time])
            guard let cursor = try Int64.fetchOne(db, sql: "SELECT delivered FROM alert_deliveries WHERE sink = ?", arguments: [sink]) else {
                throw StorageError.corrupt(path: path, message: "no delivery cursor for sink '\(sink)'; register it first")
            }
            return cursor
        }
    }

    /// Up to `limit` events after `sequence`, in log order.
    public func alertEvents(after sequence: Int64, limit: Int) throws(StorageError) -> [LoggedAlertEvent] {
        try read { db in
            let statement = try RawStatement(db, sql: """
                SELECT rowid, \(Self.alertColumns) FROM alerts WHERE rowid > ? ORDER BY rowid LIMIT ?
                """)
            try statement.bind(1, sequence)
            try statement.bind(2, Int64(max(0, limit)))
            var events: [LoggedAlertEvent] = []
            while try statement.step() {
                events.append(LoggedAlertEvent(sequence: statement.int64(0), record: try decodeAlert(statement, from: 1)))
            }
            return events
        }
    }

    /// The sequence of the newest event in the log (0 when empty): with a cursor, the sink's lag.
    public func lastAlertSequence() throws(StorageError) -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM alerts") ?? 0 }
    }

    /// A small write transaction under the writer lock (beside ingest's batches).
    private func write(_ body: (Database) throws -> Int64) throws(StorageError) -> Int64 {
        do {
            return try writerState.withLock { _ in try pool.write(body) }
        } catch {
            throw StorageError(error, path: path)
        }
    }
}
