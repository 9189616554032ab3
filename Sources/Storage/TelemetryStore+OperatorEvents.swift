import GRDB

/// Operators' events in the alert log (acknowledgements, silences): appended one at a time, each
/// after a check of the log in the same write transaction, so a check and its append cannot be
/// separated by another writer (the bridge's batches, another process's `alerts ack`).
extension TelemetryStore {
    /// Only the id conflict is ignored (not `INSERT OR IGNORE`, which would also drop rows failing
    /// NOT NULL or CHECK constraints without a word).
    static let insertAlertSQL = """
        INSERT INTO alerts(id, type, alert, device, severity, at, raised_id, value, event, logged_at, silenced)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
        """

    static func bindAlert(_ record: AlertRecord, loggedAt: Int64, to insert: RawStatement) throws {
        try insert.bind(1, record.id)
        try insert.bind(2, record.type.rawValue)
        try insert.bind(3, record.alert)
        try insert.bind(4, record.device)
        try insert.bind(5, record.severity)
        try insert.bind(6, record.at)
        try insert.bind(7, record.raisedID)
        try insert.bind(8, record.value.flatMap { $0.isNaN ? nil : $0 })
        try insert.bind(9, record.event)
        try insert.bind(10, loggedAt)
        try insert.bind(11, record.silenced)
    }

    /// Checks the log and appends the event `build` returns, in one write transaction under the
    /// writer lock. `build` throws its own error to refuse (nothing is written); a store failure
    /// is thrown as ``StorageError``.
    public func appendOperatorEvent<Failure: Error>(
        loggedAt: Int64, _ build: (AlertLogView) throws(Failure) -> AlertRecord
    ) throws(StorageError) -> Result<LoggedAlertEvent, Failure> {
        var refusal: Failure?
        let sequence: Int64?
        var built: AlertRecord?
        do {
            sequence = try writerState.withLock { _ in
                try pool.write { db -> Int64? in
                    let record: AlertRecord
                    do throws(Failure) {
                        record = try build(AlertLogView(db: db, path: path))
                    } catch {
                        refusal = error
                        return nil
                    }
                    let insert = try RawStatement(db, sql: Self.insertAlertSQL)
                    try Self.bindAlert(record, loggedAt: loggedAt, to: insert)
                    guard try insert.execute() == 1 else {
                        throw StorageError.corrupt(path: path, message: "an event with id '\(record.id)' is already in the log")
                    }
                    built = record
                    return db.lastInsertedRowID
                }
            }
        } catch {
            throw StorageError(error, path: path)
        }
        if let refusal { return .failure(refusal) }
        guard let sequence, let built else {
            throw StorageError.corrupt(path: path, message: "operator event not written")
        }
        return .success(LoggedAlertEvent(sequence: sequence, record: built))
    }

    /// Operators' events after `sequence`, in log order (up to `limit`).
    public func operatorEvents(after sequence: Int64 = 0, limit: Int = .max) throws(StorageError) -> [LoggedAlertEvent] {
        try read { db in
            let statement = try RawStatement(db, sql: """
                SELECT rowid, \(Self.alertColumns) FROM alerts
                WHERE type IN ('AlertAcknowledged', 'SilenceCreated', 'SilenceExpired') AND rowid > ?
                ORDER BY rowid LIMIT ?
                """)
            try statement.bind(1, sequence)
            try statement.bind(2, Int64(clamping: max(0, limit)))
            return try decodeLoggedAlerts(statement)
        }
    }

    /// The acknowledgements at or before `sequence` of the raises that are the newest event of
    /// their (alert, device) pair at `sequence` (the firing alerts then), by raise id.
    public func firingAcknowledgements(through sequence: Int64) throws(StorageError) -> [String: LoggedAlertEvent] {
        try read { db in
            let statement = try RawStatement(db, sql: """
                SELECT rowid, \(Self.alertColumns) FROM alerts
                WHERE type = 'AlertAcknowledged' AND rowid <= ?1 AND raised_id IN (
                    SELECT id FROM alerts WHERE type = 'AlertRaised' AND rowid IN (
                        SELECT max(rowid) FROM alerts WHERE rowid <= ?1 AND type IN ('AlertRaised', 'AlertCleared')
                        GROUP BY alert, device))
                ORDER BY rowid
                """)
            try statement.bind(1, sequence)
            var result: [String: LoggedAlertEvent] = [:]
            for event in try decodeLoggedAlerts(statement) {
                if let raised = event.record.raisedID { result[raised] = event }
            }
            return result
        }
    }

    /// The first acknowledgement of each of the raises `ids` made at or before `time` (nil: any),
    /// by raise id: what the dashboard shows beside the alerts firing at a moment.
    public func acknowledgements(ofRaises ids: [String], at time: Int64? = nil) throws(StorageError) -> [String: AlertRecord] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var result: [String: AlertRecord] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = ids[start..<min(start + 500, ids.count)]
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let statement = try RawStatement(db, sql: """
                    SELECT \(Self.alertColumns) FROM alerts
                    WHERE type = 'AlertAcknowledged' AND at <= ? AND raised_id IN (\(placeholders)) ORDER BY rowid
                    """)
                try statement.bind(1, time ?? .max)
                for (index, id) in chunk.enumerated() { try statement.bind(CInt(index + 2), id) }
                while try statement.step() {
                    let record = try decodeAlert(statement, from: 0)
                    if let raised = record.raisedID, result[raised] == nil { result[raised] = record }
                }
            }
            return result
        }
    }
}

/// The alert log as an operator event's check sees it: inside the transaction that appends it.
public struct AlertLogView {
    let db: Database
    let path: String

    /// The newest raise or clear of `alert` for `device`, in log order.
    public func latest(alert: String, device: String) throws -> AlertRecord? {
        let statement = try RawStatement(db, sql: """
            SELECT \(TelemetryStore.alertColumns) FROM alerts
            WHERE alert = ? AND device = ? AND type IN ('AlertRaised', 'AlertCleared') ORDER BY rowid DESC LIMIT 1
            """)
        try statement.bind(1, alert)
        try statement.bind(2, device)
        return try statement.firstRow { try TelemetryStore.decodeAlert($0, from: 0, path: path) }
    }

    /// The first acknowledgement of the raise `id`.
    public func acknowledgement(ofRaise id: String) throws -> AlertRecord? {
        let statement = try RawStatement(db, sql: """
            SELECT \(TelemetryStore.alertColumns) FROM alerts WHERE raised_id = ? AND type = 'AlertAcknowledged' ORDER BY rowid LIMIT 1
            """)
        try statement.bind(1, id)
        return try statement.firstRow { try TelemetryStore.decodeAlert($0, from: 0, path: path) }
    }

    /// The stored event with this id.
    public func event(id: String) throws -> AlertRecord? {
        let statement = try RawStatement(db, sql: "SELECT \(TelemetryStore.alertColumns) FROM alerts WHERE id = ?")
        try statement.bind(1, id)
        return try statement.firstRow { try TelemetryStore.decodeAlert($0, from: 0, path: path) }
    }

    /// The event that ended the silence `id`, if any.
    public func expiry(ofSilence id: String) throws -> AlertRecord? {
        let statement = try RawStatement(db, sql: """
            SELECT \(TelemetryStore.alertColumns) FROM alerts WHERE raised_id = ? AND type = 'SilenceExpired' LIMIT 1
            """)
        try statement.bind(1, id)
        return try statement.firstRow { try TelemetryStore.decodeAlert($0, from: 0, path: path) }
    }

    /// The silences whose id starts with `prefix` (an operator may type the first characters).
    public func silences(idPrefix prefix: String) throws -> [AlertRecord] {
        let statement = try RawStatement(db, sql: """
            SELECT \(TelemetryStore.alertColumns) FROM alerts
            WHERE type = 'SilenceCreated' AND substr(id, 1, length(?1)) = ?1 ORDER BY rowid LIMIT 10
            """)
        try statement.bind(1, prefix)
        var result: [AlertRecord] = []
        while try statement.step() { result.append(try TelemetryStore.decodeAlert(statement, from: 0, path: path)) }
        return result
    }

    /// Every alert name the log has raised.
    public func alertNames() throws -> [String] {
        try String.fetchAll(db, sql: "SELECT DISTINCT alert FROM alerts WHERE type = 'AlertRaised' ORDER BY alert")
    }

    /// Every device `alert` was raised for.
    public func devices(ofAlert alert: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT DISTINCT device FROM alerts WHERE alert = ? AND type = 'AlertRaised' ORDER BY device",
                            arguments: [alert])
    }
}
