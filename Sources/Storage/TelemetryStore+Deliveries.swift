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
    /// order or twice) and records what it refused for good, in one transaction. Returns the
    /// cursor after the call; throws for a sink never registered.
    @discardableResult
    public func advanceDeliveryCursor(sink: String, to sequence: Int64, refusals: [DeliveryRefusal] = [],
                                      at time: Int64) throws(StorageError) -> Int64 {
        try write { db in
            try db.execute(sql: """
                UPDATE alert_deliveries SET delivered = max(delivered, ?2), updated_at = ?3,
                    failing_since = NULL, last_error = NULL
                WHERE sink = ?1
                """, arguments: [sink, sequence, time])
            guard let cursor = try Int64.fetchOne(db, sql: "SELECT delivered FROM alert_deliveries WHERE sink = ?", arguments: [sink]) else {
                throw StorageError.corrupt(path: path, message: "no delivery cursor for sink '\(sink)'; register it first")
            }
            for refusal in refusals {
                try db.execute(sql: """
                    INSERT INTO alert_delivery_refusals(sink, sequence, event_id, reason, response, at)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(sink, sequence) DO NOTHING
                    """, arguments: [sink, refusal.sequence, refusal.eventID, refusal.reason, refusal.response, refusal.at])
            }
            return cursor
        }
    }

    /// Records that `sink` is failing: since when (kept from the first failure of the run) and why.
    /// Moving the cursor clears it.
    public func recordDeliveryFailure(sink: String, error: String, at time: Int64) throws(StorageError) {
        _ = try write { db in
            try db.execute(sql: """
                UPDATE alert_deliveries SET failing_since = coalesce(failing_since, ?2), last_error = ?3 WHERE sink = ?1
                """, arguments: [sink, time, String(error.prefix(1000))])
            return 0
        }
    }

    /// Records that `sink` delivers again (moving its cursor does it too).
    public func clearDeliveryFailure(sink: String) throws(StorageError) {
        _ = try write { db in
            try db.execute(sql: "UPDATE alert_deliveries SET failing_since = NULL, last_error = NULL WHERE sink = ?",
                           arguments: [sink])
            return 0
        }
    }

    /// Every registered sink's cursor and lag, by name.
    public func deliveryStates() throws(StorageError) -> [SinkDeliveryState] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.sink, d.delivered, d.updated_at, d.failing_since, d.last_error,
                       (SELECT count(*) FROM alerts WHERE rowid > d.delivered) AS pending,
                       (SELECT coalesce(logged_at, at) FROM alerts WHERE rowid > d.delivered ORDER BY rowid LIMIT 1) AS oldest,
                       (SELECT count(*) FROM alert_delivery_refusals AS r WHERE r.sink = d.sink) AS refusals
                FROM alert_deliveries AS d ORDER BY d.sink
                """)
            return rows.map { row in
                SinkDeliveryState(sink: row["sink"], delivered: row["delivered"], updatedAt: row["updated_at"],
                                  pendingEvents: row["pending"], oldestPendingSince: row["oldest"], refusals: row["refusals"],
                                  failingSince: row["failing_since"], lastError: row["last_error"])
            }
        }
    }

    /// The events `sink` refused for good, newest first.
    public func deliveryRefusals(sink: String, limit: Int = 100) throws(StorageError) -> [DeliveryRefusal] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT sequence, event_id, reason, response, at FROM alert_delivery_refusals
                WHERE sink = ? ORDER BY sequence DESC LIMIT ?
                """, arguments: [sink, max(0, limit)]).map { row in
                DeliveryRefusal(sequence: row["sequence"], eventID: row["event_id"], reason: row["reason"],
                                response: row["response"], at: row["at"])
            }
        }
    }

    /// Where each of the events `ids` stands with every sink: delivered (at or before the cursor),
    /// refused, or pending. Events not in the log are left out.
    public func deliveries(ofEvents ids: [String]) throws(StorageError) -> [String: [EventDelivery]] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            let sinks = try Row.fetchAll(db, sql: "SELECT sink, delivered FROM alert_deliveries ORDER BY sink")
            guard !sinks.isEmpty else { return [:] }
            var result: [String: [EventDelivery]] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let events = try Row.fetchAll(db, sql: "SELECT id, rowid AS sequence FROM alerts WHERE id IN (\(placeholders))",
                                              arguments: StatementArguments(chunk))
                for event in events {
                    let id: String = event["id"]
                    let sequence: Int64 = event["sequence"]
                    result[id] = try sinks.map { sink in
                        let name: String = sink["sink"]
                        let delivered: Int64 = sink["delivered"]
                        guard sequence <= delivered else { return EventDelivery(sink: name, state: .pending) }
                        let refused = try String.fetchOne(db, sql: """
                            SELECT reason FROM alert_delivery_refusals WHERE sink = ? AND sequence = ?
                            """, arguments: [name, sequence])
                        return EventDelivery(sink: name, state: refused.map { .refused($0) } ?? .delivered)
                    }
                }
            }
            return result
        }
    }

    /// The newest raise or clear of every (alert, device) pair at or before `sequence`, in log
    /// order: what a broker's retained "active" topics must say once a sink has delivered up to
    /// there (with ``firingAcknowledgements(through:)``).
    public func latestAlertEvents(through sequence: Int64) throws(StorageError) -> [LoggedAlertEvent] {
        try read { db in
            let statement = try RawStatement(db, sql: """
                SELECT rowid, \(Self.alertColumns) FROM alerts
                WHERE rowid IN (SELECT max(rowid) FROM alerts WHERE rowid <= ? AND type IN ('AlertRaised', 'AlertCleared') GROUP BY alert, device)
                ORDER BY rowid
                """)
            try statement.bind(1, sequence)
            return try decodeLoggedAlerts(statement)
        }
    }

    /// The stored event with this id.
    public func alertEvent(id: String) throws(StorageError) -> AlertRecord? {
        try read { db in
            let statement = try RawStatement(db, sql: "SELECT \(Self.alertColumns) FROM alerts WHERE id = ?")
            try statement.bind(1, id)
            return try statement.firstRow { try decodeAlert($0, from: 0) }
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
            return try decodeLoggedAlerts(statement)
        }
    }

    /// Steps `statement` (selecting `rowid, ` and ``alertColumns``) to the end.
    func decodeLoggedAlerts(_ statement: RawStatement) throws -> [LoggedAlertEvent] {
        var events: [LoggedAlertEvent] = []
        while try statement.step() {
            events.append(LoggedAlertEvent(sequence: statement.int64(0), record: try decodeAlert(statement, from: 1)))
        }
        return events
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
