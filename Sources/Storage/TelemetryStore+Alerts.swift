import Telemetry
import GRDB

extension TelemetryStore {
    static let alertColumns = "id, type, alert, device, severity, at, raised_id, value, event, silenced"

    /// The firing set at `?1`: raised events (by `alerts_at`) anti-joined to their clears (by
    /// `alerts_raised_id`), so it costs one index range plus one seek per raised event.
    static let firingAlertsSQL = """
        SELECT \(alertColumns) FROM alerts AS r
        WHERE r.type = 'AlertRaised' AND r.at <= ?1
          AND NOT EXISTS (
            SELECT 1 FROM alerts AS c WHERE c.raised_id = r.id AND c.type = 'AlertCleared' AND c.at <= ?1
          )
        ORDER BY r.at, r.id
        """

    /// Stored alert events matching `filter`, ordered by event time then id (reversed when the
    /// filter asks for the newest first).
    public func alerts(filter: AlertFilter = .init()) throws(StorageError) -> [AlertRecord] {
        var conditions: [String] = []
        var arguments: [SQLArgument] = []
        if let from = filter.from {
            conditions.append("at >= ?")
            arguments.append(.integer(from))
        }
        if let to = filter.to {
            conditions.append("at < ?")
            arguments.append(.integer(to))
        }
        if let alert = filter.alert {
            conditions.append("alert = ?")
            arguments.append(.text(alert))
        }
        if let devices = filter.devices {
            guard !devices.isEmpty else { return [] }
            var alternatives: [String] = []
            for pattern in devices.map(GlobPattern.init) {
                alternatives.append(pattern.isLiteral ? "device = ?" : "device GLOB ?")
                arguments.append(.text(pattern.isLiteral ? pattern.text : pattern.sqliteGlob))
            }
            conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        if let type = filter.type {
            conditions.append("type = ?")
            arguments.append(.text(type.rawValue))
        } else if filter.includeAcknowledgements {
            conditions.append("type IN ('AlertRaised', 'AlertCleared', 'AlertAcknowledged')")
        } else {
            conditions.append("type IN ('AlertRaised', 'AlertCleared')")
        }
        var sql = "SELECT \(Self.alertColumns) FROM alerts"
        sql += " WHERE " + conditions.joined(separator: " AND ")
        sql += filter.newestFirst ? " ORDER BY at DESC, id DESC LIMIT ? OFFSET ?" : " ORDER BY at, id LIMIT ? OFFSET ?"
        arguments.append(.integer(filter.limit.map { Int64(max(0, $0)) } ?? -1))
        arguments.append(.integer(Int64(max(0, filter.offset))))
        let finalSQL = sql
        let finalArguments = arguments
        return try read { db in
            let statement = try RawStatement(db, sql: finalSQL)
            for (index, argument) in finalArguments.enumerated() {
                try argument.bind(to: statement, at: CInt(index + 1))
            }
            return try decodeAlerts(statement)
        }
    }

    /// The alerts firing at `time` (ms, inclusive; `nil`: now, i.e. after every stored event): the
    /// AlertRaised events at or before it with no AlertCleared ending them at or before it.
    /// Ordered by the time they were raised, then id. One anti-join over the alert log's indexes.
    public func firingAlerts(at time: Int64? = nil) throws(StorageError) -> [AlertRecord] {
        try read { db in
            let statement = try RawStatement(db, sql: Self.firingAlertsSQL)
            try statement.bind(1, time ?? .max)
            return try decodeAlerts(statement)
        }
    }

    /// The number of stored raises and clears.
    public func alertCount() throws(StorageError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM alerts WHERE type IN ('AlertRaised', 'AlertCleared')") ?? 0 }
    }

    /// Steps `statement` (selecting ``alertColumns``) to the end.
    private func decodeAlerts(_ statement: RawStatement) throws -> [AlertRecord] {
        var result: [AlertRecord] = []
        while try statement.step() {
            result.append(try decodeAlert(statement, from: 0))
        }
        return result
    }

    /// The alert of the current row, whose ``alertColumns`` start at column `first`.
    func decodeAlert(_ statement: RawStatement, from first: CInt) throws -> AlertRecord {
        try Self.decodeAlert(statement, from: first, path: path)
    }

    static func decodeAlert(_ statement: RawStatement, from first: CInt, path: String) throws -> AlertRecord {
        let id = statement.string(first)
        let typeText = statement.string(first + 1)
        guard let type = AlertRecord.Kind(rawValue: typeText) else {
            statement.reset()
            throw StorageError.corrupt(path: path, message: "alert event '\(id)' has unknown type '\(typeText)'")
        }
        return AlertRecord(
            id: id, type: type, alert: statement.string(first + 2), device: statement.string(first + 3),
            severity: statement.optionalString(first + 4), at: statement.int64(first + 5),
            raisedID: statement.optionalString(first + 6), value: statement.optionalDouble(first + 7),
            event: statement.string(first + 8), silenced: statement.optionalString(first + 9))
    }
}
